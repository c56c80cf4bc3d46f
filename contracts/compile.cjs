// Compiles src/*.sol with solc-js (standard JSON, optimizer 200 runs, evmVersion prague) and writes
// build/<Name>.json = { "abi": [...], "bytecode": "0x..." } for every contract defined in src/.
//   node compile.cjs           write build/
//   node compile.cjs --check   compile into a temporary folder and fail when build/ differs (drift check)
// Any compiler error or warning fails the run (exit code 1).
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");
const solc = require("solc");

const root = __dirname;
const srcDir = path.join(root, "src");
const buildDir = path.join(root, "build");
const seenLibraryWarnings = new Set();

function findImports(importPath) {
  for (const base of [root, path.join(root, "node_modules")]) {
    const file = path.join(base, importPath);
    if (fs.existsSync(file)) {
      return { contents: fs.readFileSync(file, "utf8") };
    }
  }
  return { error: `import not found: ${importPath}` };
}

function compile() {
  const sources = {};
  for (const file of fs.readdirSync(srcDir).filter((f) => f.endsWith(".sol")).sort()) {
    sources[`src/${file}`] = { content: fs.readFileSync(path.join(srcDir, file), "utf8") };
  }
  const input = {
    language: "Solidity",
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "prague",
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  // Errors fail the build, and so do warnings about our own sources. Warnings about a library's sources are shown
  // only (OpenZeppelin's transient-storage note on the reentrancy guard it means to be used with transient storage).
  const messages = (output.errors || []).filter((e) => e.severity !== "info");
  let failures = 0;
  for (const m of messages) {
    const file = m.sourceLocation ? m.sourceLocation.file : "";
    const fatal = m.severity === "error" || !file.startsWith("@openzeppelin/");
    if (fatal) failures++;
    if (fatal) {
      process.stderr.write((m.formattedMessage || m.message) + "\n");
    } else if (!seenLibraryWarnings.has(m.message)) {
      seenLibraryWarnings.add(m.message);
      process.stderr.write(`note: library warning not counted (${file}): ${m.message.split(". ")[0]}.\n`);
    }
  }
  if (failures > 0) {
    throw new Error(`solc reported ${failures} error(s) or warning(s)`);
  }
  const artifacts = {};
  for (const sourceName of Object.keys(sources)) {
    for (const [name, contract] of Object.entries(output.contracts[sourceName] || {})) {
      if (artifacts[name]) {
        throw new Error(`two contracts named ${name}`);
      }
      const bytecode = contract.evm.bytecode.object;
      if (bytecode.length === 0) {
        continue; // interfaces and abstract contracts have nothing to deploy
      }
      const json = JSON.stringify({ abi: contract.abi, bytecode: "0x" + bytecode }, null, 2) + "\n";
      artifacts[`${name}.json`] = json;
    }
  }
  return artifacts;
}

function write(dir, artifacts) {
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, json] of Object.entries(artifacts)) {
    fs.writeFileSync(path.join(dir, file), json);
  }
}

function check(artifacts) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "contracts-build-"));
  try {
    write(tmp, artifacts);
    const fresh = fs.readdirSync(tmp).sort();
    const committed = fs.existsSync(buildDir)
      ? fs.readdirSync(buildDir).filter((f) => f.endsWith(".json")).sort()
      : [];
    const drift = [];
    for (const file of new Set([...fresh, ...committed])) {
      const a = path.join(tmp, file);
      const b = path.join(buildDir, file);
      if (!fs.existsSync(a)) drift.push(`${file}: in build/ but no longer produced`);
      else if (!fs.existsSync(b)) drift.push(`${file}: produced but missing from build/`);
      else if (!fs.readFileSync(a).equals(fs.readFileSync(b))) drift.push(`${file}: differs from a fresh build`);
    }
    if (drift.length > 0) {
      process.stderr.write(drift.join("\n") + "\nbuild/ is out of date: run `npm run build` and commit build/\n");
      return false;
    }
    console.log(`build/ matches a fresh build (${fresh.length} artifacts)`);
    return true;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  const artifacts = compile();
  if (process.argv.includes("--check")) {
    process.exitCode = check(artifacts) ? 0 : 1;
    return;
  }
  write(buildDir, artifacts);
  console.log(`wrote ${Object.keys(artifacts).sort().map((f) => "build/" + f).join(", ")}`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`compile failed: ${e.message}\n`);
  process.exitCode = 1;
}

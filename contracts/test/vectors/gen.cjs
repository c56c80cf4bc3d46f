// Writes test/vectors/BlsVectors.sol (not committed) from the BLS vector folders, so that the forge tests of
// src/Bls12381.sol run every case present:
//   <shared>/crypto-vectors/bls/{hash_to_G2,verify,fast_aggregate_verify,deserialization_G1,deserialization_G2}/*.json
//   test/vectors/marketplace_bls.json (made with crypto/Bls: proofs of possession, a receipt signature, an aggregate)
// <shared> is $MARKETPLACE_SHARED_DIR, or ../shared next to the repository (the .NET tests find it the same way).
// A missing folder, an empty folder or an unreadable case fails the run (exit code 1): `npm test` runs this first.
//
// The library takes uncompressed points, so compressed keys and signatures are decompressed here (square roots in Fp
// and Fp2 with BigInt). The subgroup is not checked here: that is the precompiles' job, and the tests' subject. An
// encoding that does not decode (bad flags, x >= p, no point with that x) gets a stand-in point with that x and the
// encoding's sign (y = 1, or p - 1 with the sign flag), which is off the curve: the tests expect the library to refuse it.
"use strict";

const fs = require("fs");
const path = require("path");

const P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn;
const HALF = (P - 1n) / 2n;
const QUUX_DST = "QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";

const mod = (a) => ((a % P) + P) % P;
function pow(base, exp) {
  let result = 1n;
  base = mod(base);
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % P;
    base = (base * base) % P;
    exp >>= 1n;
  }
  return result;
}
const inv = (a) => pow(a, P - 2n);
// p = 3 mod 4: a candidate root is a^((p+1)/4); null when a is not a square.
function sqrtFp(a) {
  const r = pow(a, (P + 1n) / 4n);
  return (r * r) % P === mod(a) ? r : null;
}
// Fp2 = Fp[u] / (u^2 + 1), elements [c0, c1].
const mul2 = (a, b) => [mod(a[0] * b[0] - a[1] * b[1]), mod(a[0] * b[1] + a[1] * b[0])];
function sqrtFp2(a) {
  let candidate;
  if (a[1] === 0n) {
    const r = sqrtFp(a[0]);
    candidate = r !== null ? [r, 0n] : [0n, sqrtFp(mod(-a[0])) ?? 0n];
  } else {
    const norm = sqrtFp(mod(a[0] * a[0] + a[1] * a[1]));
    if (norm === null) return null;
    const half = inv(2n);
    let x0 = sqrtFp(mod((a[0] + norm) * half));
    if (x0 === null) x0 = sqrtFp(mod((a[0] - norm) * half));
    if (x0 === null || x0 === 0n) return null;
    candidate = [x0, mod(a[1] * inv(2n * x0))];
  }
  const check = mul2(candidate, candidate);
  return check[0] === mod(a[0]) && check[1] === mod(a[1]) ? candidate : null;
}

const hexToBytes = (h) => Buffer.from(h.replace(/^0x/, ""), "hex");
const big = (buf) => (buf.length === 0 ? 0n : BigInt("0x" + buf.toString("hex")));

// Decodes a compressed G1 point: { ok, point: [x, y] or null for the identity }; when !ok, a stand-in point.
function decodeG1(bytes) {
  const fail = (x, sign) => ({ ok: false, point: [x % (1n << 384n), sign ? P - 1n : 1n] });
  if (bytes.length !== 48) return fail(0n, false);
  const flags = bytes[0] & 0xe0;
  const body = Buffer.from(bytes);
  body[0] &= 0x1f;
  const x = big(body);
  const sign = (flags & 0x20) !== 0;
  if ((flags & 0x80) === 0) return fail(x, sign);
  if (flags & 0x40) return x === 0n && !sign ? { ok: true, point: null } : fail(x, sign);
  if (x >= P) return fail(x, sign);
  let y = sqrtFp(x * x * x + 4n);
  if (y === null) return fail(x, sign);
  if (y > HALF !== sign) y = P - y;
  return { ok: true, point: [x, y] };
}

// Decodes a compressed G2 point: { ok, point: [x0, x1, y0, y1] or null for the identity }.
function decodeG2(bytes) {
  const fail = (x0, x1, sign) => ({ ok: false, point: [x0 % (1n << 384n), x1 % (1n << 384n), sign ? 0n : 1n, sign ? P - 1n : 0n] });
  if (bytes.length !== 96) return fail(0n, 0n, false);
  const flags = bytes[0] & 0xe0;
  const body = Buffer.from(bytes);
  body[0] &= 0x1f;
  const x1 = big(body.subarray(0, 48));
  const x0 = big(body.subarray(48));
  const sign = (flags & 0x20) !== 0;
  if ((flags & 0x80) === 0) return fail(x0, x1, sign);
  if (flags & 0x40) return x0 === 0n && x1 === 0n && !sign ? { ok: true, point: null } : fail(x0, x1, sign);
  if (x0 >= P || x1 >= P) return fail(x0, x1, sign);
  const x = [x0, x1];
  const rhs = mul2(mul2(x, x), x);
  const y = sqrtFp2([mod(rhs[0] + 4n), mod(rhs[1] + 4n)]);
  if (y === null) return fail(x0, x1, sign);
  const larger = y[1] !== 0n ? y[1] > HALF : y[0] > HALF;
  return { ok: true, point: [x0, x1, ...(larger === sign ? y : [mod(-y[0]), mod(-y[1])])] };
}

// Solidity expressions.
const words = (v) => {
  const h = v.toString(16).padStart(128, "0");
  return [`0x${h.slice(0, 64)}`, `0x${h.slice(64)}`];
};
const g1 = (pt) => `Bls12381.G1Point(${(pt ? pt : [0n, 0n]).flatMap(words).join(", ")})`;
const g2 = (pt) => `Bls12381.G2Point(${(pt ? pt : [0n, 0n, 0n, 0n]).flatMap(words).join(", ")})`;
const hexLit = (buf) => `hex"${Buffer.from(buf).toString("hex")}"`;
const str = (s) => JSON.stringify(s);

function locate() {
  const fromEnv = process.env.MARKETPLACE_SHARED_DIR;
  const shared = fromEnv ? path.resolve(fromEnv) : path.resolve(__dirname, "..", "..", "..", "..", "shared");
  const dir = path.join(shared, "crypto-vectors", "bls");
  if (!fs.existsSync(dir)) {
    throw new Error(`BLS vectors not found at ${dir}; set MARKETPLACE_SHARED_DIR to the shared data folder`);
  }
  return dir;
}

function readFolder(dir, folder) {
  const full = path.join(dir, folder);
  if (!fs.existsSync(full)) throw new Error(`vector folder missing: ${full}`);
  const files = fs.readdirSync(full).filter((f) => f.endsWith(".json")).sort();
  if (files.length === 0) throw new Error(`no cases in ${full}`);
  return files.map((f) => ({ name: `${folder}/${f.replace(/\.json$/, "")}`, ...JSON.parse(fs.readFileSync(path.join(full, f), "utf8")) }));
}

function parseFp2Pair(text) {
  const [c0, c1] = text.split(",").map((s) => BigInt(s.trim()));
  return [c0, c1];
}

function main() {
  const dir = locate();
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, "marketplace_bls.json"), "utf8"));
  const cases = { hash: [], signed: [], aggregate: [], g1: [], g2: [] };

  for (const c of readFolder(dir, "hash_to_G2")) {
    const x = parseFp2Pair(c.output.x);
    const y = parseFp2Pair(c.output.y);
    const dst = c.input.dst ?? QUUX_DST; // the files carry no dst: they are the RFC 9380 section 8.8.2 cases
    cases.hash.push({ name: c.name, message: Buffer.from(c.input.msg, "utf8"), dst, point: [...x, ...y] });
  }
  for (const [i, h] of own.hashToG2.entries()) {
    const d = decodeG2(hexToBytes(h.point));
    if (!d.ok) throw new Error(`marketplace_bls.json hashToG2[${i}] does not decode`);
    cases.hash.push({ name: `marketplace/hash_to_G2_${i}`, message: hexToBytes(h.message), dst: own.signatureDst, point: d.point });
  }

  const signed = (name, pubkey, message, signature, dst, expected) => {
    const pk = decodeG1(hexToBytes(pubkey));
    const sig = decodeG2(hexToBytes(signature));
    return { name, pubkey: hexToBytes(pubkey), pk, message, signature: hexToBytes(signature), sig, dst, expected };
  };
  for (const c of readFolder(dir, "verify")) {
    cases.signed.push(signed(c.name, c.input.pubkey, hexToBytes(c.input.message), c.input.signature, own.signatureDst, c.output));
  }
  cases.signed.push(signed("marketplace/receipt", own.single.pubkey, hexToBytes(own.single.message), own.single.signature, own.signatureDst, true));
  for (const [i, pop] of own.proofsOfPossession.entries()) {
    cases.signed.push(signed(`marketplace/pop_${i}`, pop.pubkey, hexToBytes(pop.pubkey), pop.proof, own.popDst, true));
    // The same proof checked as a receipt signature of the key's bytes must fail: the DSTs separate the two.
    cases.signed.push(signed(`marketplace/pop_${i}_under_signature_dst`, pop.pubkey, hexToBytes(pop.pubkey), pop.proof, own.signatureDst, false));
  }

  const aggregate = (name, pubkeys, message, signature, expected) => ({
    name,
    pubkeys: pubkeys.map(hexToBytes),
    pks: pubkeys.map((k) => decodeG1(hexToBytes(k))),
    message: hexToBytes(message),
    signature: hexToBytes(signature),
    sig: decodeG2(hexToBytes(signature)),
    expected,
  });
  for (const c of readFolder(dir, "fast_aggregate_verify")) {
    cases.aggregate.push(aggregate(c.name, c.input.pubkeys, c.input.message, c.input.signature, c.output));
  }
  cases.aggregate.push(aggregate("marketplace/receipt_3_keys", own.aggregate.pubkeys, own.aggregate.message, own.aggregate.signature, true));

  for (const c of readFolder(dir, "deserialization_G1")) {
    const bytes = hexToBytes(c.input.pubkey);
    cases.g1.push({ name: c.name, bytes, decoded: decodeG1(bytes), expected: c.output });
  }
  for (const c of readFolder(dir, "deserialization_G2")) {
    const bytes = hexToBytes(c.input.signature);
    cases.g2.push({ name: c.name, bytes, decoded: decodeG2(bytes), expected: c.output });
  }

  const out = [];
  const emit = (line) => out.push(line);
  emit("// SPDX-License-Identifier: UNLICENSED");
  emit("// Generated by test/vectors/gen.cjs (npm test runs it) from the BLS vector folders and marketplace_bls.json.");
  emit("// Not committed; do not edit.");
  emit("pragma solidity ^0.8.28;");
  emit("");
  emit('import {Bls12381} from "../../src/Bls12381.sol";');
  emit("");
  emit("struct HashToG2Case { string name; bytes message; bytes dst; Bls12381.G2Point expected; }");
  emit("struct SignedCase { string name; bytes pubkey; Bls12381.G1Point pk; bool pkDecodes; bytes message; bytes signature;");
  emit("    Bls12381.G2Point sig; bool sigDecodes; bytes dst; bool expected; }");
  emit("struct AggregateCase { string name; bytes[] pubkeys; Bls12381.G1Point[] pks; bool[] pkDecodes; bytes message;");
  emit("    bytes signature; Bls12381.G2Point sig; bool sigDecodes; bool expected; }");
  emit("struct DecodeG1Case { string name; bytes encoding; bool decodes; Bls12381.G1Point point; bool expected; }");
  emit("struct DecodeG2Case { string name; bytes encoding; bool decodes; Bls12381.G2Point point; bool expected; }");
  emit("");
  emit("library BlsVectors {");
  const family = (fn, type, list, body) => {
    emit(`    function ${fn}() internal pure returns (${type}[] memory cases) {`);
    emit(`        cases = new ${type}[](${list.length});`);
    list.forEach((_, i) => emit(`        cases[${i}] = _${fn}${i}();`));
    emit("    }");
    list.forEach((c, i) => {
      emit(`    function _${fn}${i}() private pure returns (${type} memory c) {`);
      emit(`        c.name = ${str(c.name)};`);
      body(c).forEach((line) => emit(`        ${line}`));
      emit("    }");
    });
  };
  family("hashToG2", "HashToG2Case", cases.hash, (c) => [
    `c.message = ${hexLit(c.message)};`,
    `c.dst = ${str(c.dst)};`,
    `c.expected = ${g2(c.point)};`,
  ]);
  family("signed", "SignedCase", cases.signed, (c) => [
    `c.pubkey = ${hexLit(c.pubkey)};`,
    `c.pk = ${g1(c.pk.point)};`,
    `c.pkDecodes = ${c.pk.ok};`,
    `c.message = ${hexLit(c.message)};`,
    `c.signature = ${hexLit(c.signature)};`,
    `c.sig = ${g2(c.sig.point)};`,
    `c.sigDecodes = ${c.sig.ok};`,
    `c.dst = ${str(c.dst)};`,
    `c.expected = ${c.expected};`,
  ]);
  family("aggregate", "AggregateCase", cases.aggregate, (c) => [
    `c.pubkeys = new bytes[](${c.pubkeys.length});`,
    `c.pks = new Bls12381.G1Point[](${c.pks.length});`,
    `c.pkDecodes = new bool[](${c.pks.length});`,
    ...c.pubkeys.flatMap((k, j) => [
      `c.pubkeys[${j}] = ${hexLit(k)};`,
      `c.pks[${j}] = ${g1(c.pks[j].point)};`,
      `c.pkDecodes[${j}] = ${c.pks[j].ok};`,
    ]),
    `c.message = ${hexLit(c.message)};`,
    `c.signature = ${hexLit(c.signature)};`,
    `c.sig = ${g2(c.sig.point)};`,
    `c.sigDecodes = ${c.sig.ok};`,
    `c.expected = ${c.expected};`,
  ]);
  family("decodeG1", "DecodeG1Case", cases.g1, (c) => [
    `c.encoding = ${hexLit(c.bytes)};`,
    `c.decodes = ${c.decoded.ok};`,
    `c.point = ${g1(c.decoded.point)};`,
    `c.expected = ${c.expected};`,
  ]);
  family("decodeG2", "DecodeG2Case", cases.g2, (c) => [
    `c.encoding = ${hexLit(c.bytes)};`,
    `c.decodes = ${c.decoded.ok};`,
    `c.point = ${g2(c.decoded.point)};`,
    `c.expected = ${c.expected};`,
  ]);
  emit("}");

  fs.writeFileSync(path.join(__dirname, "BlsVectors.sol"), out.join("\n") + "\n");
  const counts = Object.entries(cases).map(([k, v]) => `${k} ${v.length}`).join(", ");
  process.stdout.write(`BLS vectors from ${dir}: ${counts}\n`);
}

try {
  main();
} catch (e) {
  process.stderr.write(`gen.cjs: ${e.message}\n`);
  process.exit(1);
}

using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.Cli.Parsing;
using Marketplace.Cli.Signing;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>deploy --file module.wasm --name N --version V --key K [limits, blob refs, salt]</c>: signs the module
/// and manifest with the deployer key and deploys it.</summary>
internal static class DeployCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Option<string>("--file", "-f") { Description = "The WebAssembly module (.wasm).", Required = true };
        var name = new Option<string>("--name") { Description = "Catalog name (letters, digits, -_.).", Required = true };
        var version = new Option<string>("--version") { Description = "Semantic version, e.g. 1.0.0.", Required = true };
        var entrypoint = new Option<string>("--entrypoint") { Description = "Exported function to call.", DefaultValueFactory = _ => "onvm_main" };
        var fuel = new Option<long?>("--fuel") { Description = "Default fuel budget of a run (default 50,000,000)." };
        var memory = new Option<string?>("--memory") { Description = "Memory limit (bytes, or 64MiB, ...; default 64 MiB)." };
        var timeout = new Option<string?>("--timeout") { Description = "Wall-clock limit of a run (ms, or 30s, ...; default 30 s)." };
        var blobRefs = new Option<string[]>("--blob-ref") { Description = "A blob the program may read (repeatable).", AllowMultipleArgumentsPerToken = true };
        var salt = new Option<string?>("--salt") { Description = "Hex salt mixed into the program id (default none)." };
        var key = new Option<string?>("--key") { Description = "Deployer key file (env MARKETPLACE_DEPLOYER_KEY; create one with keygen)." };
        var command = new Command("deploy", "Sign and deploy a WebAssembly program.") { file, name, version, entrypoint, fuel, memory, timeout, blobRefs, salt, key };
        context.SetAction(command, async run =>
        {
            var path = LocalFiles.Existing("--file", run.Get(file));
            var keyPath = run.Get(key) ?? run.Environment.GetVariable("MARKETPLACE_DEPLOYER_KEY")
                ?? throw CliException.Usage("--key: give the deployer key file (or set MARKETPLACE_DEPLOYER_KEY).");
            var manifest = new ProgramManifest
            {
                Name = run.Get(name)!,
                Version = run.Get(version)!,
                Entrypoint = run.Get(entrypoint)!,
                BlobRefs = [.. run.Get(blobRefs) ?? []],
                Salt = (run.Get(salt) ?? "").Trim(),
            };
            if (run.Get(fuel) is { } f)
            {
                manifest.MaxFuel = f > 0 ? f : throw CliException.Usage($"--fuel: {f} is not positive.");
            }

            if (run.Get(memory) is { } m)
            {
                manifest.MaxMemoryBytes = ValueText.Bytes("--memory", m);
            }

            if (run.Get(timeout) is { } t)
            {
                manifest.TimeoutMs = ValueText.DurationMs("--timeout", t);
            }

            if (manifest.Salt.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            {
                manifest.Salt = manifest.Salt[2..];
            }

            if (manifest.Salt.Length % 2 != 0 || !manifest.Salt.All(char.IsAsciiHexDigit))
            {
                throw CliException.Usage($"--salt: '{manifest.Salt}' is not hex (an even number of 0-9a-f digits).");
            }

            manifest.Salt = manifest.Salt.ToLowerInvariant();
            var signer = DeployerKeyFile.Read(keyPath);
            var wasm = await File.ReadAllBytesAsync(path, run.CancellationToken).ConfigureAwait(false);
            var deployment = DeploymentSigning.Sign(wasm, manifest, signer);
            var client = await run.ClientAsync().ConfigureAwait(false);
            var program = await client.DeployProgramAsync(deployment, run.CancellationToken).ConfigureAwait(false);
            ProgramView.Show(run, program);
            return ExitCodes.Ok;
        });
        return command;
    }
}

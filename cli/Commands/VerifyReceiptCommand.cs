using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>verify-receipt receipt.json [--public-key HEX] [--registry registry.json] [--program ID]
/// [--min-signers N] [--carried-keys]</c>: checks a receipt file offline (no server), in either form: one executor's
/// signature or a committee's aggregate. Exit 0 when valid against keys the caller named (a registry or a public key)
/// or accepted (<c>--carried-keys</c>), <see cref="ExitCodes.KeysUnchecked"/> when valid against the file's own keys
/// only, <see cref="ExitCodes.ReceiptInvalid"/> with one line naming what failed otherwise.</summary>
internal static class VerifyReceiptCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The receipt file (from job-receipt --out)." };
        var publicKey = new Option<string?>("--public-key")
        {
            Description = "Executor form: the worker's BLS public key you trust (hex, e.g. bls_public_key from `marketplace workers`); default: the key in the file.",
        };
        var registry = new Option<string?>("--registry")
        {
            Description = "The worker key registry file (GET /v1/workers/registry, marketplace workers registry --out): the executor's key, or every member's key and proof of possession, is checked against it.",
        };
        var program = new Option<string?>("--program") { Description = "The program id the receipt must name." };
        var minSigners = new Option<int?>("--min-signers") { Description = "Aggregated form: signers you require at least (default 1; a strict majority of the members is always required)." };
        var carriedKeys = new Option<bool>("--carried-keys")
        {
            Description = "Accept the keys the file carries when no --registry or --public-key is given: a valid check then proves only that the holders of those keys signed. Without it such a check exits 14.",
        };
        var command = new Command("verify-receipt", "Check a receipt file offline: its hash and the worker's or the committee's signature.") { file, publicKey, registry, program, minSigners, carriedKeys };
        context.SetAction(command, async run =>
        {
            var path = LocalFiles.Existing("file", run.Get(file));
            var bytes = await File.ReadAllBytesAsync(path, run.CancellationToken).ConfigureAwait(false);
            var kind = AggregatedReceiptJson.ReadKind(bytes);
            if (kind == AggregatedReceipt.AggregatedKind)
            {
                if (run.Get(publicKey) is not null)
                {
                    throw CliException.Usage("--public-key: an aggregated receipt has many keys; give --registry instead.");
                }

                var policy = new AggregatedReceiptPolicy
                {
                    MinimumSigners = MinSigners(run.Get(minSigners)),
                    Registry = run.Get(registry) is { } registryPath ? await ReadRegistryAsync(registryPath, run.CancellationToken).ConfigureAwait(false) : null,
                    ExpectedProgramId = run.Get(program),
                };
                return Unchecked(run, AggregatedReceiptReport.Verify(run, bytes, policy), policy.Registry is not null || run.Get(carriedKeys));
            }

            if (run.Get(minSigners) is not null)
            {
                throw CliException.Usage("--min-signers applies to aggregated receipts; this file is not one.");
            }

            if (run.Get(registry) is not null && run.Get(publicKey) is not null)
            {
                throw CliException.Usage("--registry and --public-key: give one; the registry names the worker's key.");
            }

            var workers = run.Get(registry) is { } workersPath ? await ReadRegistryAsync(workersPath, run.CancellationToken).ConfigureAwait(false) : null;
            var keyChecked = workers is not null || run.Get(publicKey) is not null;
            return Unchecked(run, VerifyExecutor(run, bytes, run.Get(publicKey), workers, run.Get(program)), keyChecked || run.Get(carriedKeys));
        });
        return command;
    }

    /// <summary>The exit code of a check that passed: <see cref="ExitCodes.KeysUnchecked"/>, with a line saying so,
    /// when it passed against the file's own keys and the caller did not accept that.</summary>
    private static int Unchecked(VerbRun run, int exitCode, bool keysAccepted)
    {
        if (exitCode != ExitCodes.Ok || keysAccepted)
        {
            return exitCode;
        }

        run.Environment.Error.WriteLine("verify-receipt: checked against the keys the receipt carries only, which anyone can make up: give --registry registry.json (marketplace workers registry --out) or --public-key to check whose keys they are, or --carried-keys to accept them.");
        return ExitCodes.KeysUnchecked;
    }

    private static int VerifyExecutor(VerbRun run, byte[] bytes, string? publicKey, WorkerKeyRegistry? registry, string? program)
    {
        SignedExecutionReceipt signed;
        try
        {
            signed = ReceiptJson.Parse(bytes);
        }
        catch (ReceiptFormatException e)
        {
            throw Invalid("malformed", e.Message);
        }

        if (registry is not null)
        {
            var registered = registry.Workers?.FirstOrDefault(w => string.Equals(w?.WorkerId, signed.Receipt.WorkerId, StringComparison.Ordinal))
                ?? throw Invalid(ReceiptFailureName(ReceiptVerificationFailure.UnknownKey), $"worker '{signed.Receipt.WorkerId}' is not in the registry at epoch {registry.Epoch}");
            publicKey = Convert.ToHexStringLower(registered.PublicKey);
        }

        var check = publicKey is { } trusted
            ? ReceiptVerifier.VerifySigned(signed, TrustedKey(trusted))
            : ReceiptVerifier.VerifySigned(signed);
        if (!check.IsValid)
        {
            throw Invalid(ReceiptFailureName(check.Failure), check.Detail);
        }

        var receipt = signed.Receipt;
        if (program is not null && !string.Equals(program, receipt.ProgramId, StringComparison.Ordinal))
        {
            throw Invalid(ReceiptFailureName(ReceiptVerificationFailure.WrongProgram), $"the receipt names program '{receipt.ProgramId}', not '{program}'");
        }

        var hash = Convert.ToHexStringLower(signed.ReceiptHash);
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new { valid = true, kind = signed.Kind, receipt_hash = hash, job_id = receipt.JobId, attempt = receipt.Attempt, worker_id = receipt.WorkerId, worker_public_key = Convert.ToHexStringLower(signed.WorkerPublicKey) });
        }
        else
        {
            run.Environment.Output.WriteLine($"valid: receipt {hash} of job {receipt.JobId} attempt {receipt.Attempt} ({receipt.Outcome}), signed by worker {receipt.WorkerId} with key {Convert.ToHexStringLower(signed.WorkerPublicKey)}");
        }

        return ExitCodes.Ok;
    }

    private static int MinSigners(int? value) => value switch
    {
        null => 1,
        >= 1 => value.Value,
        _ => throw CliException.Usage($"--min-signers: must be at least 1, got {value}."),
    };

    /// <summary>The registry file at <paramref name="path"/>, or a usage error naming <c>--registry</c>.</summary>
    internal static async Task<WorkerKeyRegistry> ReadRegistryAsync(string path, CancellationToken cancellationToken)
    {
        var full = LocalFiles.Existing("--registry", path);
        try
        {
            return WorkerKeyRegistryJson.Parse(await File.ReadAllBytesAsync(full, cancellationToken).ConfigureAwait(false));
        }
        catch (ReceiptFormatException e)
        {
            throw CliException.Usage("--registry: " + e.Message);
        }
    }

    private static byte[] TrustedKey(string hex)
    {
        var digits = hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? hex[2..] : hex;
        try
        {
            return Convert.FromHexString(digits);
        }
        catch (FormatException)
        {
            throw CliException.Usage($"--public-key: '{hex}' is not hex.");
        }
    }

    /// <summary>The wire name of a failure, as the error line shows it.</summary>
    internal static string ReceiptFailureName(ReceiptVerificationFailure failure) => failure switch
    {
        ReceiptVerificationFailure.UnknownKind => "unknown_kind",
        ReceiptVerificationFailure.MalformedReceipt => "malformed",
        ReceiptVerificationFailure.HashMismatch => "hash_mismatch",
        ReceiptVerificationFailure.MalformedPublicKey => "malformed_public_key",
        ReceiptVerificationFailure.MalformedSignature => "malformed_signature",
        ReceiptVerificationFailure.BadSignature => "bad_signature",
        ReceiptVerificationFailure.WrongKey => "wrong_key",
        ReceiptVerificationFailure.MalformedMembers => "malformed_members",
        ReceiptVerificationFailure.MalformedBitmap => "malformed_bitmap",
        ReceiptVerificationFailure.TooFewSigners => "too_few_signers",
        ReceiptVerificationFailure.WrongEpoch => "wrong_epoch",
        ReceiptVerificationFailure.UnknownKey => "unknown_key",
        ReceiptVerificationFailure.BadProofOfPossession => "bad_proof_of_possession",
        ReceiptVerificationFailure.WrongProgram => "wrong_program",
        ReceiptVerificationFailure.BadAggregate => "bad_aggregate",
        ReceiptVerificationFailure.WrongDrawSeed => "wrong_draw_seed",
        ReceiptVerificationFailure.WrongDrawOrder => "wrong_draw_order",
        ReceiptVerificationFailure.WrongThreshold => "wrong_threshold",
        ReceiptVerificationFailure.MalformedBatch => "malformed_batch",
        ReceiptVerificationFailure.BadBatchProof => "bad_batch_proof",
        _ => "invalid",
    };

    /// <summary>The <c>receipt_invalid</c> error (exit 9) naming <paramref name="what"/> failed, on one line.</summary>
    internal static CliException Invalid(string what, string detail) =>
        new("receipt_invalid", ExitCodes.ReceiptInvalid, $"{what}: {string.Join(' ', detail.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries))}");
}

using System.CommandLine;
using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>verify-receipt receipt.json [--public-key HEX]</c>: checks a receipt file offline (no server): the hash
/// against the fields and the signature against the key. Exit 0 when valid, <see cref="ExitCodes.ReceiptInvalid"/>
/// with one line naming what failed otherwise.</summary>
internal static class VerifyReceiptCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "The receipt file (from job-receipt --out)." };
        var publicKey = new Option<string?>("--public-key")
        {
            Description = "The worker's BLS public key you trust (hex, e.g. bls_public_key from `marketplace workers`); default: the key in the file.",
        };
        var command = new Command("verify-receipt", "Check a receipt file offline: its hash and the worker's signature.") { file, publicKey };
        context.SetAction(command, async run =>
        {
            var path = LocalFiles.Existing("file", run.Get(file));
            var bytes = await File.ReadAllBytesAsync(path, run.CancellationToken).ConfigureAwait(false);
            SignedExecutionReceipt signed;
            try
            {
                signed = ReceiptJson.Parse(bytes);
            }
            catch (ReceiptFormatException e)
            {
                throw Invalid("malformed", e.Message);
            }

            var check = run.Get(publicKey) is { } trusted
                ? ReceiptVerifier.VerifySigned(signed, TrustedKey(trusted))
                : ReceiptVerifier.VerifySigned(signed);
            if (!check.IsValid)
            {
                throw Invalid(ReceiptFailureName(check.Failure), check.Detail);
            }

            var receipt = signed.Receipt;
            var hash = Convert.ToHexStringLower(signed.ReceiptHash);
            if (run.Json)
            {
                JsonOutput.Write(run.Environment.Output, new { valid = true, receipt_hash = hash, job_id = receipt.JobId, attempt = receipt.Attempt, worker_id = receipt.WorkerId, worker_public_key = Convert.ToHexStringLower(signed.WorkerPublicKey) });
            }
            else
            {
                run.Environment.Output.WriteLine($"valid: receipt {hash} of job {receipt.JobId} attempt {receipt.Attempt} ({receipt.Outcome}), signed by worker {receipt.WorkerId} with key {Convert.ToHexStringLower(signed.WorkerPublicKey)}");
            }

            return ExitCodes.Ok;
        });
        return command;
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

    private static string ReceiptFailureName(ReceiptVerificationFailure failure) => failure switch
    {
        ReceiptVerificationFailure.UnknownKind => "unknown_kind",
        ReceiptVerificationFailure.MalformedReceipt => "malformed",
        ReceiptVerificationFailure.HashMismatch => "hash_mismatch",
        ReceiptVerificationFailure.MalformedPublicKey => "malformed_public_key",
        ReceiptVerificationFailure.MalformedSignature => "malformed_signature",
        ReceiptVerificationFailure.BadSignature => "bad_signature",
        ReceiptVerificationFailure.WrongKey => "wrong_key",
        _ => "invalid",
    };

    private static CliException Invalid(string what, string detail) =>
        new("receipt_invalid", ExitCodes.ReceiptInvalid, $"{what}: {string.Join(' ', detail.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries))}");
}

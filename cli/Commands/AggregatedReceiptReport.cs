using Marketplace.Cli.Output;
using Marketplace.GrainInterfaces;

namespace Marketplace.Cli.Commands;

/// <summary><c>verify-receipt</c> of an aggregated receipt: verifies it and says who signed, against which threshold,
/// what was checked and what was not.</summary>
internal static class AggregatedReceiptReport
{
    public static int Verify(VerbRun run, byte[] bytes, AggregatedReceiptPolicy policy)
    {
        AggregatedReceipt aggregated;
        try
        {
            aggregated = AggregatedReceiptJson.Parse(bytes);
        }
        catch (ReceiptFormatException e)
        {
            throw VerifyReceiptCommand.Invalid("malformed", e.Message);
        }

        var check = AggregatedReceiptVerifier.Verify(aggregated, policy);
        if (!check.IsValid)
        {
            throw VerifyReceiptCommand.Invalid(VerifyReceiptCommand.ReceiptFailureName(check.Failure), check.Detail);
        }

        var signers = AggregatedReceiptVerifier.SignerIndexes(aggregated).Select(i => aggregated.Members[i]).ToList();
        var checkedItems = new List<string> { "receipt hash", "members", "signer bitmap", $"signer count (at least {Math.Max(Math.Max(aggregated.Threshold, policy.MinimumSigners), (aggregated.Members.Count / 2) + 1)})", "aggregate signature" };
        var notChecked = new List<string>();
        if (AggregatedReceiptVerifier.SignerIndexes(aggregated) is [0, ..])
        {
            checkedItems.Add("draw seed bound to the executor's receipt");
        }
        else
        {
            notChecked.Add("draw seed taken as given: the executor was outvoted, and its own receipt is not in the file");
        }

        if (policy.Registry is { } registry)
        {
            checkedItems.Add($"member keys and proofs of possession against the registry at epoch {registry.Epoch}");
        }
        else
        {
            notChecked.Add("keys not checked: no --registry given (the signature proves only that the listed keys signed)");
        }

        if (policy.ExpectedProgramId is { } program)
        {
            checkedItems.Add($"program {program}");
        }
        else
        {
            notChecked.Add("program not checked: no --program given");
        }

        var receipt = aggregated.Receipt;
        var hash = Convert.ToHexStringLower(aggregated.ReceiptHash);
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new
            {
                valid = true,
                kind = aggregated.Kind,
                receipt_hash = hash,
                job_id = receipt.JobId,
                attempt = receipt.Attempt,
                worker_id = receipt.WorkerId,
                signers = signers.Select(m => new { worker_id = m.WorkerId, public_key = Convert.ToHexStringLower(m.PublicKey), role = Role(m.Role) }),
                members = aggregated.Members.Count,
                threshold = aggregated.Threshold,
                registry_epoch = aggregated.RegistryEpoch,
                @checked = checkedItems,
                not_checked = notChecked,
            });
        }
        else
        {
            var output = run.Environment.Output;
            output.WriteLine($"valid: aggregated receipt {hash} of job {receipt.JobId} attempt {receipt.Attempt} ({receipt.Outcome}), signed by {signers.Count} of {aggregated.Members.Count} members (threshold {aggregated.Threshold}, registry epoch {aggregated.RegistryEpoch})");
            foreach (var signer in signers)
            {
                output.WriteLine($"signer: {signer.WorkerId} ({Role(signer.Role)}) {Convert.ToHexStringLower(signer.PublicKey)}");
            }

            output.WriteLine("checked: " + string.Join(", ", checkedItems));
            foreach (var item in notChecked)
            {
                output.WriteLine("not checked: " + item);
            }
        }

        return ExitCodes.Ok;
    }

    private static string Role(CommitteeRole role) => GrainInterfaces.Json.MarketplaceJson.EnumName(role);
}

using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Spectre.Console;

namespace Marketplace.Cli.Output;

/// <summary>How jobs, job lists and job logs are shown.</summary>
internal static class JobView
{
    public static void Show(VerbRun run, JobInfo job)
    {
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, job);
            return;
        }

        var rows = new List<(string, string)>
        {
            ("id", job.JobId),
            ("status", Text.Status(job.Status)),
            ("program", job.ProgramId),
        };
        if (job.RequestId is not null)
        {
            rows.Add(("request id", job.RequestId));
        }

        if (job.FailureReason != FailureReason.None)
        {
            rows.Add(("failure", job.FailureReason + (job.ErrorMessage is null ? "" : ": " + job.ErrorMessage)));
        }

        rows.Add(("worker", job.WorkerId ?? "-"));
        rows.Add(("fuel", $"{Text.Number(job.FuelConsumed)} of {Text.Number(job.MaxFuel)}"));
        rows.Add(("limits", $"memory {Text.Bytes(job.MaxMemoryBytes)}, timeout {Text.Ms(job.TimeoutMs)}"));
        rows.Add(("retries", $"{job.RetryCount} of {job.MaxRetries}"));
        rows.Add(("created", Text.Time(job.CreatedAt)));
        rows.Add(("matched", Text.Time(job.MatchedAt)));
        rows.Add(("started", Text.Time(job.StartedAt)));
        rows.Add(("finished", Text.Time(job.CompletedAt)));
        if (job.OutputBlobId is not null || job.Status == JobStatus.Completed)
        {
            rows.Add(("output", job.OutputBlobId is null ? "(empty)" : $"{job.OutputBlobId} ({Text.Bytes(job.OutputSize)})"));
        }

        if (job.StateRoot is not null)
        {
            rows.Add(("state root", job.StateRoot));
        }

        if (job.Labels.Count > 0)
        {
            rows.Add(("labels", Text.Pairs(job.Labels)));
        }

        foreach (var why in job.Ineligible)
        {
            rows.Add(("ineligible", $"{why.WorkerId}: {why.Reason}"));
        }

        run.Environment.Console.Write(Text.Grid([.. rows]));
    }

    public static void List(VerbRun run, Page<JobSummary> page)
    {
        var jobs = page.Items;
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new JobList { Jobs = jobs, NextCursor = page.NextCursor });
            return;
        }

        var table = new Table().AddColumns("JOB", "STATUS", "PROGRAM", "REQUEST", "CREATED", "FINISHED");
        table.Columns[0].NoWrap();
        table.Columns[2].NoWrap();
        foreach (var j in jobs)
        {
            table.AddRow(Text.Safe(j.JobId), Text.Status(j.Status), Text.Safe(j.ProgramId), Text.Safe(j.RequestId ?? "-"), Text.Time(j.CreatedAt), Text.Time(j.CompletedAt));
        }

        run.Environment.Console.Write(table);
        PageFooter.Write(run, jobs.Count, "job", "jobs", page.NextCursor);
    }

    public static void Logs(VerbRun run, Page<JobLogEntry> page)
    {
        var lines = page.Items;
        if (run.Json)
        {
            JsonOutput.Write(run.Environment.Output, new JobLogList { Logs = lines, NextCursor = page.NextCursor });
            return;
        }

        foreach (var line in lines)
        {
            // The attempt number in brackets: many messages already begin with "attempt N ...".
            var attempt = line.Attempt > 0 ? $" [{line.Attempt}]" : "";
            run.Environment.Output.WriteLine($"{Text.Time(line.Timestamp)} {line.Level,-5}{attempt} {line.Message}");
        }

        if (page.NextCursor is not null)
        {
            run.Environment.Output.WriteLine($"more: --cursor {page.NextCursor} (or --all)");
        }
    }
}

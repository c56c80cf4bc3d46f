using Marketplace.GrainInterfaces;
using Marketplace.GrainInterfaces.Json;
using Marketplace.Grains.Jobs;
using Microsoft.Extensions.Options;

namespace Marketplace.Silo.Api;

/// <summary><c>/v1/jobs</c>: submit, list, status, cancel, logs, receipt, output. A client sees only its own jobs.</summary>
internal static class JobEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/jobs", SubmitAsync)
            .WithName("SubmitJob")
            .WithSummary("Submits a job (program, input_base64 or input_blob_id, limits); idempotent per request_id.")
            .AcceptsJson<JobSubmission>()
            .Produces<JobInfo>(StatusCodes.Status202Accepted)
            .ProducesProblems(400, 404, 413, 415);
        api.MapGet("/jobs", ListAsync)
            .WithName("ListJobs")
            .WithSummary("A page of the caller's jobs, newest first (?status=running&limit=100&cursor=...).")
            .Produces<JobList>()
            .ProducesProblems(400);
        api.MapGet("/jobs/{id}", GetAsync)
            .WithName("GetJob")
            .WithSummary("A job's status.")
            .Produces<JobInfo>()
            .ProducesProblems(400, 403, 404);
        api.MapPost("/jobs/{id}/cancel", CancelAsync)
            .WithName("CancelJob")
            .WithSummary("Cancels a job that has not finished.")
            .Produces<JobInfo>()
            .ProducesProblems(400, 403, 404, 409);
        api.MapGet("/jobs/{id}/logs", GetLogsAsync)
            .WithName("GetJobLogs")
            .WithSummary("A page of a job's log lines, oldest first (?limit=100&cursor=...).")
            .Produces<JobLogList>()
            .ProducesProblems(400, 403, 404);
        api.MapGet("/jobs/{id}/history", GetHistoryAsync)
            .WithName("GetJobHistory")
            .WithSummary("The job's log as a hash chain: every kept line with its number and hash, and the head (check it offline with `marketplace history --verify`).")
            .Produces<JobHistory>()
            .ProducesProblems(400, 403, 404);
        api.MapGet("/jobs/{id}/receipt", GetReceiptAsync)
            .WithName("GetJobReceipt")
            .WithSummary("A finished job's receipt: the committee's aggregated form (kind aggregated) when its committee settled, else the executing worker's signed receipt (kind executor). ?kind=executor or ?kind=aggregated asks for one form.")
            .Produces<SignedExecutionReceipt>()
            .Produces<AggregatedReceipt>()
            .ProducesProblems(400, 403, 404, 409);
        api.MapGet("/jobs/{id}/chain-terms", GetChainTermsAsync)
            .WithName("GetJobChainTerms")
            .WithSummary("A completed job's terms for release on proof (price per million fuel, signers needed), signed by the account that escrowed it on the chain: with the job's receipt, anyone can release its escrow without the operator (`marketplace claim --terms`).")
            .Produces<ChainJobTerms>()
            .ProducesProblems(400, 403, 404, 409);
        api.MapMethods("/jobs/{id}/output", [HttpMethods.Get, HttpMethods.Head], GetOutputAsync)
            .WithName("GetJobOutput")
            .WithSummary("Streams a completed job's output blob (Range supported).")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, typeof(Stream), "application/octet-stream")
            .ProducesProblems(400, 403, 404, 409, 416);
    }

    private static async Task<IResult> SubmitAsync(HttpContext context, GrainReferences<IJobGrain> jobs, IOptions<JobsOptions> options)
    {
        var submission = await JsonRequestBody.ReadAsync<JobSubmission>(context.Request);
        JobSubmissionValidator.ValidateFields(submission, JobFieldNames.Wire);
        submission.ClientId = ApiClient.IdOf(context);
        var jobId = JobIds.For(submission.ClientId, submission.RequestId);
        var grain = jobs.Create(jobId);
        var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var job = await SubmitFailover.RunAsync(() => grain.SubmitAsync(submission), options.Value.SubmitFailoverWait, time, context.RequestAborted);
        return Results.Accepted($"/v1/jobs/{job.JobId}", job);
    }

    private static async Task<IResult> ListAsync(string? status, string? limit, string? cursor, HttpContext context, GrainReferences<IClientJobsGrain> clients)
    {
        JobStatus? filter = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!MarketplaceJson.TryParseEnum<JobStatus>(status, out var parsed))
            {
                throw new InvalidRequestException($"status '{status}' is not one of pending, matching, running, completed, failed, cancelled, timed_out, expired.");
            }

            filter = parsed;
        }

        var count = PageLimits.Parse(limit);
        var page = await Listings.JobsAsync(clients.Get(ApiClient.IdOf(context)), filter, ResourceIds.Cursor(cursor), count);
        return Results.Ok(new JobList { Jobs = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, GrainReferences<IJobGrain> jobs) =>
        Results.Ok(await Job(jobs, id).GetAsync(ApiClient.IdOf(context)));

    private static async Task<IResult> CancelAsync(string id, HttpContext context, GrainReferences<IJobGrain> jobs) =>
        Results.Ok(await Job(jobs, id).CancelAsync(ApiClient.IdOf(context)));

    private static async Task<IResult> GetLogsAsync(string id, string? limit, string? cursor, HttpContext context, GrainReferences<IJobGrain> jobs)
    {
        var count = PageLimits.Parse(limit);
        var page = await Listings.JobLogsAsync(Job(jobs, id), id, ApiClient.IdOf(context), ResourceIds.Cursor(cursor), count);
        return Results.Ok(new JobLogList { Logs = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<IResult> GetOutputAsync(string id, HttpContext context, GrainReferences<IJobGrain> jobs, IGrainFactory grains)
    {
        var job = await Job(jobs, id).GetAsync(ApiClient.IdOf(context));
        if (job.Status != JobStatus.Completed || job.OutputBlobId is null)
        {
            throw new JobConflictException(
                $"Job '{job.JobId}' is {MarketplaceJson.EnumName(job.Status)}; its output exists once it has completed.");
        }

        // The job is the caller's (checked above), and its output is read through the job with the silo's authority:
        // an output stored before blobs had owners, or one whose access list was full, stays readable here.
        await BlobStreaming.WriteAsync(context, grains, BlobCaller.Silo, job.OutputBlobId);
        return Results.Empty;
    }

    private static async Task<IResult> GetHistoryAsync(string id, HttpContext context, GrainReferences<IJobGrain> jobs) =>
        Results.Ok(await Job(jobs, id).GetHistoryAsync(ApiClient.IdOf(context)));

    private static async Task<IResult> GetReceiptAsync(string id, string? kind, HttpContext context, GrainReferences<IJobGrain> jobs)
    {
        var job = Job(jobs, id);
        var client = ApiClient.IdOf(context);
        switch (kind)
        {
            case SignedExecutionReceipt.ExecutorKind:
                return Results.Ok(await job.GetReceiptAsync(client));
            case AggregatedReceipt.AggregatedKind:
                return Results.Ok(await job.GetAggregatedReceiptAsync(client)
                    ?? throw new JobConflictException($"job {id} has no aggregated receipt: no committee settled its result (see its verification)"));
            case null:
                return await job.GetAggregatedReceiptAsync(client) is { } aggregated
                    ? Results.Ok(aggregated)
                    : Results.Ok(await job.GetReceiptAsync(client));
            default:
                throw new InvalidRequestException($"kind: '{kind}' is not a receipt kind; use {SignedExecutionReceipt.ExecutorKind} or {AggregatedReceipt.AggregatedKind}");
        }
    }

    private static async Task<IResult> GetChainTermsAsync(string id, HttpContext context, GrainReferences<IJobGrain> jobs) =>
        Results.Ok(await Job(jobs, id).GetChainTermsAsync(ApiClient.IdOf(context)));

    private static IJobGrain Job(GrainReferences<IJobGrain> jobs, string id) => jobs.Create(ResourceIds.RequireJobId(id));
}

using System.Text.Json;
using JobQueue.Storage;

namespace JobQueue.Client;

/// <summary>Maps store records to the public snapshots.</summary>
internal static class JobInfoMapper
{
    public static JobInfo ToInfo(StoredJob job) => new()
    {
        Id = job.Id,
        Name = job.Name,
        Queue = job.Queue,
        State = job.State,
        Priority = job.Priority,
        Attempt = job.Attempt,
        MaxAttempts = job.MaxAttempts,
        Result = job.Result is { Length: > 0 } result ? ParseJson(result) : null,
        Error = job.Errors.Count > 0 ? job.Errors[^1] : null,
        Errors = job.Errors,
        Progress = job.Progress,
        Arguments = ParseJson(job.Arguments),
        EnqueuedAt = job.EnqueuedAt,
        RunAt = job.RunAt,
        StartedAt = job.StartedAt,
        FinishedAt = job.FinishedAt,
        BatchId = job.BatchId,
    };

    public static BatchInfo ToInfo(StoredBatch batch) => new()
    {
        Id = batch.Id,
        State = batch.State,
        Total = batch.Total,
        Succeeded = batch.Succeeded,
        Failed = batch.Failed,
        Pending = batch.Pending,
        SuccessJobId = batch.SuccessJobId,
        FailureJobId = batch.FailureJobId,
        CreatedAt = batch.CreatedAt,
        FinishedAt = batch.FinishedAt,
    };

    private static JsonElement ParseJson(byte[] utf8)
    {
        using JsonDocument document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }
}

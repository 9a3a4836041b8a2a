using System.Text.Json;
using JobQueue.Storage;

namespace JobQueue.Client;

/// <summary>Maps store records to the public snapshots.</summary>
internal static class JobInfoMapper
{
    private static readonly string s_unreadableType = typeof(UnreadableJobException).FullName!;

    /// <param name="job">The stored job.</param>
    /// <param name="waiting">Why it waits, when the caller worked that out (see JobClient.Waiting).</param>
    public static JobInfo ToInfo(StoredJob job, JobWait? waiting = null) => new()
    {
        Id = job.Id,
        Name = job.Name,
        Queue = job.Queue,
        State = job.State,
        Priority = job.Priority,
        Attempt = job.Attempt,
        MaxAttempts = job.MaxAttempts,
        Result = job.Result is { Length: > 0 } result ? TryParseJson(result) : null,
        Error = LastError(job),
        Errors = job.Errors,
        Progress = job.Progress,
        Arguments = TryParseJson(job.Arguments) ?? default,
        EnqueuedAt = job.EnqueuedAt,
        RunAt = job.RunAt,
        StartedAt = job.StartedAt,
        FinishedAt = job.FinishedAt,
        BatchId = job.BatchId,
        LimitKey = job.LimitKey,
        Waiting = waiting,
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
        FailurePolicy = batch.FailurePolicy,
        ParentBatchId = batch.ParentBatchId,
    };

    /// <summary>
    /// The last attempt's error, or for a job the store could not fully read, the error that says what: the one the
    /// engine recorded when it failed the job, else one made from the store's description, so that reading a
    /// damaged job shows why it cannot run even before a host has failed it (a job whose state is unknown never
    /// reaches a host).
    /// </summary>
    private static JobError? LastError(StoredJob job)
    {
        JobError? last = job.Errors.Count > 0 ? job.Errors[^1] : null;
        if (job.Unreadable is not { } unreadable || last?.Type == s_unreadableType)
        {
            return last;
        }

        return new JobError
        {
            Type = s_unreadableType,
            Message = UnreadableJobException.MessageFor(unreadable),
            Attempt = job.Attempt,
            At = job.FinishedAt ?? job.StartedAt ?? job.EnqueuedAt,
        };
    }

    /// <summary>The JSON, or null for bytes that are not JSON: a damaged record is shown, not thrown over.</summary>
    /// <remarks>Arguments that are not JSON fail their job for good when it runs (<see cref="JobArgumentsException"/>).</remarks>
    private static JsonElement? TryParseJson(byte[] utf8)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(utf8);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

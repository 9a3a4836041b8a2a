using JobQueue.Storage;

namespace JobQueue.Sqlite.Tests;

/// <summary>Builders for SPI requests, with the engine's values made explicit.</summary>
internal static class TestJobs
{
    public static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);

    public static NewJob New(string queue = "default", DateTimeOffset? runAt = null, int priority = 0, int maxAttempts = 3,
        string? idempotencyKey = null, BatchId? batchId = null) => new()
    {
        Id = JobId.New(),
        Name = "test-job",
        Queue = queue,
        Priority = priority,
        Arguments = "{\"n\":1}"u8.ToArray(),
        MaxAttempts = maxAttempts,
        Timeout = TimeSpan.FromSeconds(30),
        RetryDelay = TimeSpan.FromSeconds(1),
        RunAt = runAt ?? Now,
        IdempotencyKey = idempotencyKey,
        BatchId = batchId,
    };

    public static EnqueueRequest Request(params NewJob[] jobs) => new() { Jobs = jobs, Now = Now };

    public static FetchRequest Fetch(string queue = "default", int limit = 10, DateTimeOffset? now = null) => new()
    {
        Queue = queue,
        Limit = limit,
        Now = now ?? Now,
        LeaseToken = Guid.NewGuid(),
        LeaseExpiresAt = (now ?? Now).AddMinutes(1),
        WorkerId = "test-worker",
    };

    public static JobCompletion Completion(StoredJob job) => new() { Id = job.Id, LeaseToken = job.LeaseToken!.Value, Now = Now };
}

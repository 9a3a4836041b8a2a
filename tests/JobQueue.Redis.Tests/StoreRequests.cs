using System.Text;
using JobQueue.Storage;

namespace JobQueue.Redis.Tests;

/// <summary>The storage requests the Redis tests send the store directly, at a fixed time.</summary>
internal static class StoreRequests
{
    /// <summary>The now of every request: fixed, so stored times can be compared exactly.</summary>
    public static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A plain job in the default queue, due at <see cref="T0"/>.</summary>
    public static NewJob Job() => new()
    {
        Id = JobId.New(),
        Name = "test-job",
        Queue = "default",
        Arguments = Encoding.UTF8.GetBytes("{}"),
        MaxAttempts = 3,
        Timeout = TimeSpan.FromSeconds(30),
        RetryDelay = TimeSpan.FromSeconds(1),
        RunAt = T0,
    };

    /// <summary>A fetch from the default queue at <see cref="T0"/>, with a fresh lease token.</summary>
    public static FetchRequest Fetch(int limit = 10) => new()
    {
        Queue = "default",
        Limit = limit,
        Now = T0,
        LeaseToken = Guid.NewGuid(),
        LeaseExpiresAt = T0.AddMinutes(5),
        WorkerId = "test",
    };
}

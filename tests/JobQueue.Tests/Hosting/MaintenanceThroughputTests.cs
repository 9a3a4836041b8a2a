using System.Text;
using JobQueue.Hosting;
using JobQueue.InMemory;
using JobQueue.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Tests.Hosting;

public sealed class MaintenanceThroughputTests
{
    private static readonly DateTimeOffset s_t0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task PruneThroughputAsync_MoreOldMinutesThanOneStep_DeletesEveryCountOlderThan24HoursInSteps()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        const int oldMinutes = 1_200;
        DateTimeOffset now = s_t0.AddMinutes(oldMinutes).AddHours(24);
        NewJob[] jobs = [.. Enumerable.Range(0, oldMinutes + 1).Select(_ => Job())];
        await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = s_t0 }, default);
        Guid token = Guid.NewGuid();
        IReadOnlyList<StoredJob> leased = await storage.FetchAsync(
            new FetchRequest { Queue = "default", Limit = jobs.Length, Now = s_t0, LeaseToken = token, LeaseExpiresAt = now.AddDays(1), WorkerId = "w" }, default);

        // One count per minute for the first 1,200 minutes, and one in the current minute.
        await storage.CompleteAsync(
            [.. leased.Select((job, i) => new JobCompletion { Id = job.Id, LeaseToken = token, Now = i < oldMinutes ? s_t0.AddMinutes(i) : now })],
            default);
        var runner = new MaintenanceRunner(storage, new JobQueueOptions(), new FakeTimeProvider(now), NullLogger.Instance);

        await runner.PruneThroughputAsync(now, CancellationToken.None);
        IReadOnlyList<ThroughputBucket> kept = await storage.GetThroughputAsync(new ThroughputQuery { Since = s_t0 }, default);

        kept.Should().Equal(new ThroughputBucket { Minute = now, Queue = "default", Succeeded = 1, Failed = 0 });
    }

    private static NewJob Job() => new()
    {
        Id = JobId.New(),
        Name = "test-job",
        Queue = "default",
        Arguments = Encoding.UTF8.GetBytes("{}"),
        MaxAttempts = 1,
        Timeout = TimeSpan.FromMinutes(1),
        RetryDelay = TimeSpan.FromSeconds(1),
        RunAt = s_t0,
    };
}

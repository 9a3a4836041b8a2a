using System.Collections.Concurrent;
using System.Text;
using JobQueue.InMemory;

namespace JobQueue.Storage.Tests;

/// <summary>
/// Random operations from several tasks at once, then the store's bookkeeping checked against its jobs:
/// counters per state, batch counts and idempotency keys must agree with what the jobs say.
/// </summary>
public sealed class InMemoryJobStorageStressTests
{
    private static readonly DateTimeOffset s_t0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] s_queues = ["a", "b"];

    [Fact]
    public async Task ConcurrentRandomOperations_BookkeepingMatchesJobs()
    {
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        var known = new ConcurrentBag<JobId>();
        var batches = new ConcurrentBag<BatchId>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(seed => Task.Run(() => RunAsync(storage, new Random(seed), known, batches))));

        IReadOnlyList<StoredJob> all = (await storage.QueryJobsAsync(new JobQuery { Limit = int.MaxValue, CountLimit = 0 }, CancellationToken.None)).Jobs;
        IReadOnlyList<QueueStatistics> statistics = await storage.GetQueueStatisticsAsync(CancellationToken.None);
        foreach (QueueStatistics queue in statistics)
        {
            StoredJob[] jobs = all.Where(j => j.Queue == queue.Queue).ToArray();
            queue.Should().BeEquivalentTo(
                new QueueStatistics
                {
                    Queue = queue.Queue,
                    Scheduled = jobs.Count(j => j.State == JobState.Scheduled),
                    Enqueued = jobs.Count(j => j.State == JobState.Enqueued),
                    Running = jobs.Count(j => j.State == JobState.Running),
                    Succeeded = jobs.Count(j => j.State == JobState.Succeeded),
                    Failed = jobs.Count(j => j.State == JobState.Failed),
                    Cancelled = jobs.Count(j => j.State == JobState.Cancelled),
                    Awaiting = jobs.Count(j => j.State == JobState.Awaiting),
                },
                "the counters of queue {0} follow every state change",
                queue.Queue);
        }

        all.Select(j => j.Queue).Distinct().Should().BeEquivalentTo(statistics.Select(s => s.Queue));
        foreach (BatchId batchId in batches.Distinct())
        {
            StoredBatch? batch = await storage.GetBatchAsync(batchId, CancellationToken.None);
            if (batch is null)
            {
                continue; // pruned
            }

            StoredJob[] children = all.Where(j => j.BatchId == batchId && j.Id != batch.SuccessJobId && j.Id != batch.FailureJobId).ToArray();
            // Finished children may have been pruned while the batch still runs; pending ones never are.
            batch.Pending.Should().Be(children.Count(c => c.State is not (JobState.Succeeded or JobState.Failed or JobState.Cancelled)));
            batch.Total.Should().BeGreaterThanOrEqualTo(children.Length);
            batch.Succeeded.Should().BeGreaterThanOrEqualTo(children.Count(c => c.State == JobState.Succeeded));
            batch.Failed.Should().BeGreaterThanOrEqualTo(children.Count(c => c.State is JobState.Failed or JobState.Cancelled));
            (batch.State == BatchState.Failed).Should().Be(batch.Failed > 0);
            (batch.FinishedAt is null).Should().Be(batch.Pending > 0);
        }

        foreach (IGrouping<string, StoredJob> byKey in all.Where(j => j.IdempotencyKey is not null).GroupBy(j => j.IdempotencyKey!))
        {
            byKey.Count(j => j.State is not (JobState.Failed or JobState.Cancelled)).Should().BeLessThanOrEqualTo(1, "key {0} has one live holder at most", byKey.Key);
        }
    }

    private static async Task RunAsync(InMemoryJobStorage storage, Random random, ConcurrentBag<JobId> known, ConcurrentBag<BatchId> batches)
    {
        var leased = new List<StoredJob>();
        for (int step = 0; step < 600; step++)
        {
            DateTimeOffset now = s_t0.AddMilliseconds(step * 10);
            switch (random.Next(10))
            {
                case 0 or 1:
                    NewJob[] jobs = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Job(random, now)).ToArray();
                    foreach (EnqueueResult result in await storage.EnqueueAsync(new EnqueueRequest { Jobs = jobs, Now = now }, CancellationToken.None))
                    {
                        known.Add(result.Id);
                    }

                    break;
                case 2:
                    BatchId batchId = BatchId.New();
                    NewJob[] children = Enumerable.Range(0, random.Next(1, 5)).Select(_ => Job(random, now) with { BatchId = batchId, IdempotencyKey = null }).ToArray();
                    await storage.EnqueueAsync(
                        new EnqueueRequest
                        {
                            Jobs = children,
                            Batch = new NewBatch { Id = batchId, SuccessCallback = Job(random, now) with { IdempotencyKey = null }, FailureCallback = Job(random, now) with { IdempotencyKey = null } },
                            Now = now,
                        },
                        CancellationToken.None);
                    batches.Add(batchId);
                    foreach (NewJob child in children)
                    {
                        known.Add(child.Id);
                    }

                    break;
                case 3 or 4:
                    leased.AddRange(await storage.FetchAsync(
                        new FetchRequest { Queue = s_queues[random.Next(2)], Limit = 3, Now = now, LeaseToken = Guid.NewGuid(), LeaseExpiresAt = now.AddMilliseconds(random.Next(50, 500)), WorkerId = "w" },
                        CancellationToken.None));
                    break;
                case 5 when leased.Count > 0:
                    StoredJob job = Take(leased, random);
                    switch (random.Next(4))
                    {
                        case 0:
                            await storage.CompleteAsync([new JobCompletion { Id = job.Id, LeaseToken = job.LeaseToken!.Value, Now = now }], CancellationToken.None);
                            break;
                        case 1:
                            await storage.FailAsync([new JobFailure { Id = job.Id, LeaseToken = job.LeaseToken!.Value, Error = new JobError { Type = "T", Message = "m" }, RetryAt = random.Next(2) == 0 ? null : now.AddMilliseconds(random.Next(-10, 100)), Now = now }], CancellationToken.None);
                            break;
                        case 2:
                            await storage.RescheduleAsync([new JobReschedule { Id = job.Id, LeaseToken = job.LeaseToken!.Value, RunAt = now.AddMilliseconds(random.Next(-10, 100)), Now = now }], CancellationToken.None);
                            break;
                        default:
                            await storage.ExtendLeasesAsync([new LeaseExtension { Id = job.Id, LeaseToken = job.LeaseToken!.Value, ExpiresAt = now.AddSeconds(1) }], CancellationToken.None);
                            leased.Add(job);
                            break;
                    }

                    break;
                case 6 when !known.IsEmpty:
                    await storage.CancelAsync(new CancelRequest { Ids = [known.ElementAt(random.Next(known.Count))], Now = now }, CancellationToken.None);
                    break;
                case 7:
                    await storage.PromoteDueJobsAsync(new PromoteRequest { Now = now, Limit = random.Next(1, 10) }, CancellationToken.None);
                    break;
                case 8:
                    await storage.RescueExpiredLeasesAsync(new RescueRequest { Now = now, Limit = random.Next(1, 10), ErrorType = "T", ErrorMessage = "lost" }, CancellationToken.None);
                    break;
                default:
                    await storage.PruneAsync(new PruneRequest { FinishedBefore = now.AddMilliseconds(-500), Limit = random.Next(1, 10) }, CancellationToken.None);
                    break;
            }
        }
    }

    private static StoredJob Take(List<StoredJob> leased, Random random)
    {
        int index = random.Next(leased.Count);
        StoredJob job = leased[index];
        leased.RemoveAt(index);
        return job;
    }

    private static NewJob Job(Random random, DateTimeOffset now) => new()
    {
        Id = JobId.New(),
        Name = "stress",
        Queue = s_queues[random.Next(2)],
        Priority = random.Next(3),
        Arguments = Encoding.UTF8.GetBytes("{}"),
        MaxAttempts = random.Next(1, 4),
        Timeout = TimeSpan.FromSeconds(1),
        RetryDelay = TimeSpan.FromMilliseconds(10),
        RunAt = now.AddMilliseconds(random.Next(-20, 60)),
        IdempotencyKey = random.Next(3) == 0 ? "key-" + random.Next(20) : null,
    };
}

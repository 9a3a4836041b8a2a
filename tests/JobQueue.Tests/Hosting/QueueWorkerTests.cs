using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Tests.Hosting;

public sealed class QueueWorkerTests
{
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(30);
    private readonly Probe _probe = new();

    /// <summary>
    /// Answers the first fetch that leases jobs only after their leases ran out and another host's rescue took them
    /// back: a store that stalled, then ran the queued fetch.
    /// </summary>
    private sealed class LateFetchStorage(IJobStorage inner, FakeTimeProvider time) : DelegatingStorage(inner)
    {
        private int _answeredLate;

        public override async ValueTask<IReadOnlyList<StoredJob>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
        {
            IReadOnlyList<StoredJob> jobs = await base.FetchAsync(request, cancellationToken);
            if (jobs.Count > 0 && Interlocked.Exchange(ref _answeredLate, 1) == 0)
            {
                // The host's own maintenance may rescue them as the clock moves; either way they are rescued here.
                time.Advance(s_lease + TimeSpan.FromSeconds(1));
                await base.RescueExpiredLeasesAsync(
                    new RescueRequest { Now = time.GetUtcNow(), Limit = 100, ErrorType = "Rescued", ErrorMessage = "rescued by another host" },
                    cancellationToken);
            }

            return jobs;
        }
    }

    [Fact]
    public async Task RunAsync_FetchAnsweredAfterLeaseExpiredAndJobRescued_DoesNotStartItFromTheStaleLeaseAndItRunsOnce()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var storage = new LateFetchStorage(new InMemoryJobStorage(new InMemoryStorageOptions()), time);
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseStorage("LateFetch", _ => storage)
                .AddTestJobs()
                .Configure(o => o.LeaseDuration = s_lease),
            s => s.AddSingleton<TimeProvider>(time).AddSingleton(_probe));

        JobId id = await host.Client.EnqueueAsync(new RecordArgs("once"));
        JobInfo job = await host.WaitAsync(id);

        job.State.Should().Be(JobState.Succeeded);
        _probe.Count("once").Should().Be(1, "the rescued job runs from its new lease only, not also from the stale one");
        job.Attempt.Should().Be(2, "the stale lease's attempt was rescued, and the job ran on the next");
        await host.Logs.WaitForAsync(e => e.EventId.Id == 1104, "the host to say it renewed a late fetch's leases before starting anything (1104)");
    }
}

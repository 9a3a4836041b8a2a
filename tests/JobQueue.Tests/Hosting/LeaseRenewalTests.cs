using JobQueue.InMemory;
using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Hosting;

public sealed class LeaseRenewalTests
{
    private readonly Probe _probe = new();

    /// <summary>
    /// Writes each completion, then holds the call until the host has tried to renew that job's lease again: the
    /// moment a slow network store gives a lease keeper, after the write landed but before the call returned.
    /// </summary>
    private sealed class SlowCompletionStorage(IJobStorage inner) : DelegatingStorage(inner)
    {
        private readonly TaskCompletionSource _completionWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource RenewedDuringWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken)
        {
            IReadOnlyList<bool> written = await base.CompleteAsync(completions, cancellationToken);
            _completionWritten.TrySetResult();
            await Deadline.Within(RenewedDuringWrite.Task, "a lease renewal while the outcome is written");
            return written;
        }

        public override async ValueTask<IReadOnlyList<bool>> ExtendLeasesAsync(IReadOnlyList<LeaseExtension> leases, CancellationToken cancellationToken)
        {
            IReadOnlyList<bool> held = await base.ExtendLeasesAsync(leases, cancellationToken);
            if (_completionWritten.Task.IsCompleted)
            {
                RenewedDuringWrite.TrySetResult();
            }

            return held;
        }
    }

    [Fact]
    public async Task Execute_OutcomeWriteOutlastsRenewals_LeaseKeptUntilWrittenAndNoLostLeaseReported()
    {
        var storage = new SlowCompletionStorage(new InMemoryJobStorage(new InMemoryStorageOptions()));
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseStorage("SlowCompletion", _ => storage)
                .AddTestJobs()
                .Configure(o => o.LeaseDuration = TimeSpan.FromMilliseconds(300)),
            s => s.AddSingleton(_probe));

        JobId id = await host.Client.EnqueueAsync(new AddArgs(2, 3));
        JobInfo job = await host.WaitAsync(id);

        // Only a renewal of this job ends the held write: the job is the only one in the host.
        await Deadline.Within(storage.RenewedDuringWrite.Task, "the attempt's lease to be renewed while its outcome is written");

        // Stopping waits for the execution and for the lease keeper's last renewal to be handled.
        await host.StopAsync();
        job.State.Should().Be(JobState.Succeeded);
        job.GetResult<Sum>()!.Value.Should().Be(5);
        host.Logs.Entries.Should().NotContain(e => e.EventId.Id == 1103, "a renewal refused because the write landed first is no lost lease");
    }

    /// <summary>Holds the first completion written until the test lets it through.</summary>
    private sealed class HeldFirstCompletionStorage(IJobStorage inner) : DelegatingStorage(inner)
    {
        private int _calls;

        public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseFirstWrite { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<IReadOnlyList<bool>> CompleteAsync(IReadOnlyList<JobCompletion> completions, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                FirstWriteStarted.TrySetResult();
                await Deadline.Within(ReleaseFirstWrite.Task, "the test to release the first completion");
            }

            return await base.CompleteAsync(completions, cancellationToken);
        }
    }

    [Fact]
    public async Task Execute_OutcomeWriteInFlight_FreesTheSlotForTheNextJobAndKeepsTheLease()
    {
        var storage = new HeldFirstCompletionStorage(new InMemoryJobStorage(new InMemoryStorageOptions()));
        await using TestHost host = await TestHost.StartAsync(
            q => q.UseStorage("HeldCompletion", _ => storage)
                .AddTestJobs()
                .AddQueue("single", concurrency: 1)
                .Configure(o => o.LeaseDuration = TimeSpan.FromMilliseconds(300)),
            s => s.AddSingleton(_probe));

        JobId first = await host.Client.EnqueueAsync(new RecordArgs("first"), new EnqueueOptions { Queue = "single" });
        await Deadline.Within(storage.FirstWriteStarted.Task, "the first job's outcome write");
        JobId second = await host.Client.EnqueueAsync(new RecordArgs("second"), new EnqueueOptions { Queue = "single" });

        // The queue runs one handler at a time, yet the second job starts while the first one's write is held.
        await _probe.WaitAsync("second");
        storage.ReleaseFirstWrite.TrySetResult();

        (await host.WaitAsync(first)).State.Should().Be(JobState.Succeeded);
        (await host.WaitAsync(second)).State.Should().Be(JobState.Succeeded);
        _probe.Count("first").Should().Be(1, "the held job kept its lease, so it was not rescued and run again");
    }
}

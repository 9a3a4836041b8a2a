using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;

namespace JobQueue.Storage.Tests.Engine;

// Watching a job that another host runs: every change arrives through the store's change signal.
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task Watch_JobRunsOnAnotherHost_YieldsStartEachProgressAndRetryThroughTheStoresChangeSignal()
    {
        // The watching host runs no worker and reads again only every 5 minutes, so the engine's signals of its own
        // writes never fire for the job: the start, each progress step and the retry can only come through the store.
        TestHost watching = await StartHostAsync(q =>
        {
            WatchJobs(TimeSpan.FromMinutes(5))(q);
            q.Configure(o => o.RunWorker = false);
        });
        TestHost running = await StartHostAsync(WatchJobs(TimeSpan.FromMinutes(5)), start: false);
        JobId id = await watching.Client.EnqueueAsync(new WatchedArgs("elsewhere-watched"));
        var seen = new List<string>();

        await using (IAsyncEnumerator<JobInfo> watch = watching.Client.WatchAsync(id).GetAsyncEnumerator())
        {
            await NextAsync(watch);
            seen.Add(Describe(watch.Current));
            await running.StartAsync();
            while (await NextAsync(watch))
            {
                // The job waits at each step until this watcher has seen it, so no step can be coalesced away.
                JobInfo info = watch.Current;
                seen.Add(Describe(info));
                if (info is { State: JobState.Running, Attempt: 1, Progress: { } progress })
                {
                    Probe.Open($"elsewhere-watched:{progress.Percent}");
                }
                else if (info is { State: JobState.Running, Attempt: 2 })
                {
                    Probe.Open("elsewhere-watched:retry");
                }
            }
        }

        seen[0].Should().Be("Enqueued#0");
        seen.Should().ContainInOrder("Running#1@10", "Running#1@20", "Running#1@30", "Running#2", "Succeeded#2");
        seen[^1].Should().Be("Succeeded#2");
    }
}

using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using JobQueue.Watching;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Storage.Tests.Engine;

// Watching a job through IJobClient.WatchAsync while real worker hosts run it.
public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task Watch_JobProgressesFailsOnceThenSucceeds_YieldsEachChangeInOrderAndEnds()
    {
        // A poll interval far longer than the test: every change must arrive by signal, not by reading again.
        TestHost host = await StartHostAsync(WatchJobs(TimeSpan.FromMinutes(5)), start: false);
        JobId id = await host.Client.EnqueueAsync(new WatchedArgs("watched"));
        var seen = new List<string>();

        await using (IAsyncEnumerator<JobInfo> watch = host.Client.WatchAsync(id).GetAsyncEnumerator())
        {
            await NextAsync(watch);
            seen.Add(Describe(watch.Current));
            await host.StartAsync();
            while (await NextAsync(watch))
            {
                JobInfo info = watch.Current;
                seen.Add(Describe(info));
                if (info is { State: JobState.Running, Attempt: 1, Progress: { } progress })
                {
                    Probe.Open($"watched:{progress.Percent}");
                }
                else if (info is { State: JobState.Running, Attempt: 2 })
                {
                    Probe.Open("watched:retry");
                }
            }
        }

        seen[0].Should().Be("Enqueued#0");
        seen.Should().ContainInOrder("Running#1@10", "Running#1@20", "Running#1@30", "Running#2", "Succeeded#2");
        seen[^1].Should().Be("Succeeded#2");
        seen.Zip(seen.Skip(1)).Should().OnlyContain(pair => pair.First != pair.Second, "a snapshot is yielded only when something changed");
    }

    [Fact]
    public async Task Watch_StartsAfterTheJobFinished_YieldsTheFinalStateOnlyAndEnds()
    {
        TestHost host = await StartHostAsync(WatchJobs(TimeSpan.FromMinutes(5)));
        JobId id = await host.Client.EnqueueAsync(new AddArgs(1, 2));
        await host.WaitAsync(id);

        List<JobInfo> seen = await Deadline.Within(CollectAsync(host.Client.WatchAsync(id)), "the watch of a finished job");

        seen.Should().ContainSingle().Which.State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task Watch_TokenCancelled_EndsTheEnumerationAndReleasesTheFeed()
    {
        TestHost host = await StartHostAsync(WatchJobs(TimeSpan.FromMinutes(5)));
        JobId id = await host.Client.EnqueueAsync(new GateArgs("watch-cancel"));
        await Probe.WaitAsync("watch-cancel:started");
        using var cancel = new CancellationTokenSource();
        JobWatchers watchers = host.Services.GetRequiredService<JobWatchers>();

        IAsyncEnumerator<JobInfo> watch = host.Client.WatchAsync(id, cancel.Token).GetAsyncEnumerator();
        await NextAsync(watch);
        JobInfo first = watch.Current;
        Task<bool> next = watch.MoveNextAsync().AsTask();
        await cancel.CancelAsync();
        Func<Task> ended = () => Deadline.Within(next, "the cancelled watch");

        first.State.Should().Be(JobState.Running);
        await ended.Should().ThrowAsync<OperationCanceledException>();
        watchers.FeedCount.Should().Be(0, "the last watcher of the job left");
        await watch.DisposeAsync();
        Probe.Open("watch-cancel");
    }

    [Fact]
    public async Task Watch_ProgressChangesRapidlyWithManyWatchers_EveryWatcherSeesTheFinalStateLastThroughOneFeed()
    {
        TestHost host = await StartHostAsync(WatchJobs(TimeSpan.FromMinutes(5)), start: false);
        JobId id = await host.Client.EnqueueAsync(new RapidProgressArgs(Steps: 200));
        JobWatchers watchers = host.Services.GetRequiredService<JobWatchers>();
        var watches = new List<IAsyncEnumerator<JobInfo>>();
        for (int i = 0; i < 50; i++)
        {
            IAsyncEnumerator<JobInfo> watch = host.Client.WatchAsync(id).GetAsyncEnumerator();
            await NextAsync(watch);
            watches.Add(watch);
        }

        long feeds = watchers.FeedsStarted;
        await host.StartAsync();
        List<JobInfo>[] seen = await Task.WhenAll(watches.Select(w => Deadline.Within(RestAsync(w), "a watch of the rapid job")));

        feeds.Should().Be(1, "fifty watchers of one job share one feed, which reads the store once per change");
        seen.Select(s => s.Last()).Should().OnlyContain(last => last.State == JobState.Succeeded && last.Progress!.Percent == 100);
        watchers.FeedCount.Should().Be(0);
    }

    [Fact]
    public async Task Watch_JobRunsOnAnotherHost_FinalStateArrivesThroughTheStoresFinishSignal()
    {
        // The watching host runs no worker and reads again only every 5 minutes: the engine's signals of this process
        // never fire for the job, so the final state can only come through the store's finish signal.
        TestHost watching = await StartHostAsync(q => q.Configure(o => { o.RunWorker = false; o.PollInterval = TimeSpan.FromMinutes(5); }));
        await StartHostAsync();
        JobId id = await watching.Client.EnqueueAsync(new GateArgs("elsewhere"));
        await Probe.WaitAsync("elsewhere:started");

        await using IAsyncEnumerator<JobInfo> watch = watching.Client.WatchAsync(id).GetAsyncEnumerator();
        await NextAsync(watch);
        JobInfo first = watch.Current;
        Probe.Open("elsewhere");
        await NextAsync(watch);
        JobInfo last = watch.Current;
        bool more = await NextAsync(watch);

        first.State.Should().Be(JobState.Running);
        last.State.Should().Be(JobState.Succeeded);
        more.Should().BeFalse();
    }

    [Fact]
    public async Task Watch_UnknownJob_ThrowsNamingTheId()
    {
        TestHost host = await StartHostAsync();
        var id = JobId.New();

        Func<Task> watch = () => CollectAsync(host.Client.WatchAsync(id));

        (await watch.Should().ThrowAsync<InvalidOperationException>()).Which.Message.Should().Contain(id.ToString());
    }

    private static Action<JobQueueBuilder> WatchJobs(TimeSpan pollInterval) => q =>
    {
        q.AddJob<WatchedJob>(j => j.RetryDelay = TimeSpan.Zero);
        q.AddJob<RapidProgressJob>();
        q.Configure(o => o.PollInterval = pollInterval);
    };

    private static string Describe(JobInfo info)
        => $"{info.State}#{info.Attempt}" + (info is { Attempt: 1, Progress: { } progress } ? $"@{progress.Percent}" : "");

    private static Task<bool> NextAsync(IAsyncEnumerator<JobInfo> watch) => Deadline.Within(watch.MoveNextAsync().AsTask(), "the next snapshot of a watch");

    private static async Task<List<JobInfo>> CollectAsync(IAsyncEnumerable<JobInfo> watch)
    {
        var seen = new List<JobInfo>();
        await foreach (JobInfo info in watch)
        {
            seen.Add(info);
        }

        return seen;
    }

    private static async Task<List<JobInfo>> RestAsync(IAsyncEnumerator<JobInfo> watch)
    {
        var seen = new List<JobInfo>();
        await using (watch)
        {
            while (await watch.MoveNextAsync())
            {
                seen.Add(watch.Current);
            }
        }

        return seen;
    }
}

using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Sqlite.Tests.Hosting;

public sealed class SqliteRestartTests : IDisposable
{
    private readonly TempDatabase _database = new();
    private readonly Probe _probe = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task HostRestart_StoppedMidRun_NewHostOnSameFileRunsEveryJob()
    {
        TestHost first = await StartHostAsync(shutdownTimeout: TimeSpan.FromMilliseconds(100));
        JobId running = await first.Client.EnqueueAsync(new GateArgs("restart-gate"));
        await _probe.WaitAsync("restart-gate:started");
        JobId[] waiting =
        [
            await first.Client.EnqueueAsync(new RecordArgs("after-1")),
            await first.Client.EnqueueAsync(new RecordArgs("after-2")),
        ];

        // The first host and its store go away completely, as when the process exits; only the file remains.
        await Deadline.Within(first.StopAsync(), "the first host to stop");
        await first.DisposeAsync();
        _probe.Open("restart-gate");
        TestHost second = await StartHostAsync(shutdownTimeout: TimeSpan.FromSeconds(5));
        var finished = new List<JobInfo>();
        foreach (JobId id in waiting.Prepend(running))
        {
            finished.Add(await second.WaitAsync(id));
        }

        await second.DisposeAsync();

        finished.Should().OnlyContain(job => job.State == JobState.Succeeded);
        _probe.Count("after-1").Should().Be(1);
        _probe.Count("after-2").Should().Be(1);
    }

    private Task<TestHost> StartHostAsync(TimeSpan shutdownTimeout) => TestHost.StartAsync(
        q =>
        {
            q.UseSqlite(_database.FilePath);
            q.AddTestJobs();
            q.Configure(o =>
            {
                o.ShutdownTimeout = shutdownTimeout;
                o.PollInterval = TimeSpan.FromMilliseconds(50);
            });
        },
        s => s.AddSingleton(_probe));
}

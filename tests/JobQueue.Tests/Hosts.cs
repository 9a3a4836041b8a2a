using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests;

/// <summary>Starts in-memory test hosts with every test job registered and short retry delays.</summary>
internal static class Hosts
{
    public static Task<TestHost> StartAsync(Probe probe, Action<JobQueueBuilder>? configure = null,
        Action<IServiceCollection>? services = null, bool start = true)
        => TestHost.StartAsync(
            q =>
            {
                q.UseInMemory();
                q.Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
                q.AddTestJobs();
                configure?.Invoke(q);
            },
            s =>
            {
                s.AddSingleton(probe);
                services?.Invoke(s);
            },
            start);

    /// <summary>
    /// Runs the host's promotion step at the fake clock's now. The background maintenance loop would do it on
    /// its next tick, but a test that moves a fake clock cannot know when that tick has been scheduled.
    /// </summary>
    public static Task PromoteDueJobsAsync(TestHost host, TimeProvider time)
        => host.Services.GetRequiredService<JobQueue.Hosting.WorkerHost>().Maintenance.PromoteAsync(time.GetUtcNow(), CancellationToken.None);

}

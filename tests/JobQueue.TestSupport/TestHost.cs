using JobQueue.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobQueue.TestSupport;

/// <summary>A real generic host with JobQueue in it, started and stopped by the test.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private TestHost(IHost host, CapturingLoggerProvider logs)
    {
        _host = host;
        Logs = logs;
    }

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>The job client.</summary>
    public IJobClient Client => Services.GetRequiredService<IJobClient>();

    /// <summary>The store the host uses.</summary>
    public IJobStorage Storage => Services.GetRequiredService<IJobStorage>();

    /// <summary>What the host logged.</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>Builds and starts a host; <paramref name="services"/> adds the test's own services (probes, fake time).</summary>
    public static async Task<TestHost> StartAsync(Action<JobQueueBuilder> configure, Action<IServiceCollection>? services = null, bool start = true)
    {
        var logs = new CapturingLoggerProvider();
        IHost host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Debug))
            .ConfigureServices(s =>
            {
                services?.Invoke(s);
                s.AddJobQueue(configure);
            })
            .Build();
        var testHost = new TestHost(host, logs);
        if (start)
        {
            await host.StartAsync().ConfigureAwait(false);
        }

        return testHost;
    }

    /// <summary>Starts a host built with start: false.</summary>
    public Task StartAsync() => _host.StartAsync();

    /// <summary>Stops the host (drain, give leases back) within the deadline.</summary>
    public async Task StopAsync()
    {
        _stopped = true;
        using var deadline = new CancellationTokenSource(Deadline.Default);
        await _host.StopAsync(deadline.Token).ConfigureAwait(false);
    }

    /// <summary>Waits for a job to finish, within the deadline.</summary>
    public async Task<JobInfo> WaitAsync(JobId id)
    {
        using var deadline = new CancellationTokenSource(Deadline.Default);
        try
        {
            return await Client.WaitForCompletionAsync(id, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            JobInfo? info = await Client.GetAsync(id).ConfigureAwait(false);
            throw new TimeoutException($"Job {id} did not finish within {Deadline.Default}; it is {info?.State} at attempt {info?.Attempt}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await StopAsync().ConfigureAwait(false);
        }

        _host.Dispose();
    }
}

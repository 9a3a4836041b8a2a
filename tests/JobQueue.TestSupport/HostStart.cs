using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace JobQueue.TestSupport;

/// <summary>Starts a real generic host with JobQueue in it that is expected not to start, and returns why.</summary>
public static class HostStart
{
    /// <summary>
    /// Builds a host (which must succeed: configuration problems wait for the start) and starts it; returns the
    /// <see cref="OptionsValidationException"/> the start threw, or throws if it started.
    /// </summary>
    public static async Task<OptionsValidationException> FailureAsync(Action<JobQueueBuilder> configure, Action<IServiceCollection>? services = null)
    {
        using IHost host = new HostBuilder()
            .ConfigureServices(s =>
            {
                services?.Invoke(s);
                s.AddJobQueue(configure);
            })
            .Build();
        using var deadline = new CancellationTokenSource(Deadline.Default);
        try
        {
            await host.StartAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OptionsValidationException failure)
        {
            return failure;
        }

        await host.StopAsync(deadline.Token).ConfigureAwait(false);
        throw new InvalidOperationException("The host started, but a configuration problem should have stopped it.");
    }
}

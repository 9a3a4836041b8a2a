using Microsoft.Extensions.Hosting;

namespace JobQueue.Hosting;

/// <summary>The worker host. Placeholder: being implemented.</summary>
internal sealed class WorkerHost : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

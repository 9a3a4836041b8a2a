using JobQueue.Diagnostics;
using JobQueue.Storage;
using Microsoft.Extensions.Logging;

namespace JobQueue.Hosting;

/// <summary>
/// Renews the leases of every attempt running in this host, in one bulk write every third of the lease
/// duration, and stops the handlers whose lease the store refused (cancelled elsewhere, or rescued).
/// </summary>
internal sealed class LeaseKeeper
{
    private readonly IJobStorage _storage;
    private readonly RunningJobs _running;
    private readonly JobQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public LeaseKeeper(IJobStorage storage, RunningJobs running, JobQueueOptions options, TimeProvider time, ILogger logger)
    {
        _storage = storage;
        _running = running;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        TimeSpan interval = _options.LeaseDuration / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await RenewAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        ActiveJob[] active = _running.Snapshot();
        if (active.Length == 0)
        {
            return;
        }

        DateTimeOffset expiresAt = _time.GetUtcNow() + _options.LeaseDuration;
        var extensions = new LeaseExtension[active.Length];
        for (int i = 0; i < active.Length; i++)
        {
            extensions[i] = new LeaseExtension { Id = active[i].Id, LeaseToken = active[i].LeaseToken, ExpiresAt = expiresAt };
        }

        IReadOnlyList<bool> held;
        try
        {
            held = await _storage.ExtendLeasesAsync(extensions, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
#pragma warning disable CA1031 // A store outage must not end renewals; the next interval tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.LeaseRenewalFailed(active.Length, ex);
            return;
        }

        for (int i = 0; i < active.Length; i++)
        {
            if (!held[i] && !active[i].WritingOutcome)
            {
                _logger.LeaseLost(active[i].Id);
                active[i].Stop(StopReason.LeaseLost);
            }
        }
    }
}

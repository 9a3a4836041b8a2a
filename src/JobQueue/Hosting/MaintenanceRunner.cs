using JobQueue.Diagnostics;
using JobQueue.Storage;
using Microsoft.Extensions.Logging;

namespace JobQueue.Hosting;

/// <summary>
/// Promotes due scheduled jobs, rescues jobs whose worker died, and prunes old finished jobs, each on its own
/// interval and in bounded steps. Every host runs it; the store makes each step safe to run concurrently.
/// </summary>
internal sealed partial class MaintenanceRunner
{
    private const int StepLimit = 1000;

    private readonly IJobStorage _storage;
    private readonly JobQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public MaintenanceRunner(IJobStorage storage, JobQueueOptions options, TimeProvider time, ILogger logger)
    {
        _storage = storage;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset nextRescue = _time.GetUtcNow();
        DateTimeOffset nextPrune = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset now = _time.GetUtcNow();
            await StepAsync("promote", () => PromoteAsync(now, stoppingToken), stoppingToken).ConfigureAwait(false);
            if (now >= nextRescue)
            {
                nextRescue = now + _options.RescueInterval;
                await StepAsync("rescue", () => RescueAsync(now, stoppingToken), stoppingToken).ConfigureAwait(false);
            }

            if (now >= nextPrune)
            {
                nextPrune = now + _options.PruneInterval;
                if (_options.Retention is { } retention)
                {
                    await StepAsync("prune", () => PruneAsync(now, retention, stoppingToken), stoppingToken).ConfigureAwait(false);
                }

                await StepAsync("prune throughput", () => PruneThroughputAsync(now, stoppingToken), stoppingToken).ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(_options.PollInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async Task PromoteAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        while (await _storage.PromoteDueJobsAsync(new PromoteRequest { Now = now, Limit = StepLimit }, cancellationToken).ConfigureAwait(false) == StepLimit)
        {
        }
    }

    public async Task RescueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = new RescueRequest
        {
            Now = now,
            Limit = StepLimit,
            ErrorType = "JobQueue.LeaseExpiredException",
            ErrorMessage = "The worker running this attempt stopped renewing its lease (it died, hung or lost the store); the job was rescued.",
        };
        int total = 0;
        int rescued;
        do
        {
            rescued = (await _storage.RescueExpiredLeasesAsync(request, cancellationToken).ConfigureAwait(false)).Count;
            total += rescued;
        }
        while (rescued == StepLimit);

        if (total > 0)
        {
            _logger.JobsRescued(total);
        }
    }

    public async Task PruneAsync(DateTimeOffset now, TimeSpan retention, CancellationToken cancellationToken)
    {
        int total = 0;
        int pruned;
        do
        {
            pruned = await _storage.PruneAsync(new PruneRequest { FinishedBefore = now - retention, Limit = StepLimit }, cancellationToken).ConfigureAwait(false);
            total += pruned;
        }
        while (pruned == StepLimit && !cancellationToken.IsCancellationRequested);

        if (total > 0)
        {
            _logger.JobsPruned(total, retention);
        }
    }

    private async Task StepAsync(string name, Func<Task> step, CancellationToken stoppingToken)
    {
        try
        {
            await step().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // One failed step must not stop maintenance; the next interval tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.MaintenanceFailed(name, ex);
        }
    }
}

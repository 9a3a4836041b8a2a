using JobQueue.Admin;
using JobQueue.Storage;

namespace JobQueue.Hosting;

// The throughput counts behind IJobAdmin.GetThroughputAsync: kept for its 24-hour window, whatever the retention of jobs.
internal sealed partial class MaintenanceRunner
{
    public async Task PruneThroughputAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = new ThroughputPruneRequest { Before = now - JobAdmin.ThroughputWindow, Limit = StepLimit };
        while (await _storage.PruneThroughputAsync(request, cancellationToken).ConfigureAwait(false) == StepLimit && !cancellationToken.IsCancellationRequested)
        {
        }
    }
}

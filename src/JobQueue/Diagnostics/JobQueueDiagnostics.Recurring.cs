using System.Diagnostics.Metrics;

namespace JobQueue.Diagnostics;

// The instruments of recurring jobs, made at first use: a process without recurring jobs shows none.
internal sealed partial class JobQueueDiagnostics
{
    private Counter<long>? _recurringEnqueued;
    private Counter<long>? _recurringSkipped;

    /// <summary>Occurrences of recurring jobs enqueued, tagged with <c>jobqueue.recurring.id</c>.</summary>
    public Counter<long> RecurringEnqueued => LazyInitializer.EnsureInitialized(ref _recurringEnqueued,
        () => _meter.CreateCounter<long>("jobqueue.recurring.enqueued", "{occurrence}", "Occurrences of recurring jobs enqueued."));

    /// <summary>
    /// Occurrences of recurring jobs not enqueued, tagged with <c>jobqueue.recurring.id</c> and <c>jobqueue.recurring.reason</c>
    /// (<c>overlap</c>: the previous job had not finished; <c>misfire</c>: missed and dropped by the misfire policy).
    /// </summary>
    public Counter<long> RecurringSkipped => LazyInitializer.EnsureInitialized(ref _recurringSkipped,
        () => _meter.CreateCounter<long>("jobqueue.recurring.skipped", "{occurrence}", "Occurrences of recurring jobs not enqueued (overlap or misfire)."));
}

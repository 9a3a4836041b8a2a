using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace JobQueue.Diagnostics;

/// <summary>
/// The ActivitySource and Meter named "JobQueue", with its instruments. One per service provider: the Meter
/// comes from the host's <see cref="IMeterFactory"/> when there is one, so hosts in one process stay apart.
/// </summary>
internal sealed partial class JobQueueDiagnostics : IDisposable
{
    public const string Name = "JobQueue";

    private static readonly ActivitySource s_activitySource = new(Name, typeof(JobQueueDiagnostics).Assembly.GetName().Version?.ToString());

    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    public JobQueueDiagnostics(IMeterFactory? meterFactory)
    {
        if (meterFactory is not null)
        {
            _meter = meterFactory.Create(Name);
        }
        else
        {
            _meter = new Meter(Name);
            _ownsMeter = true;
        }

        Enqueued = _meter.CreateCounter<long>("jobqueue.jobs.enqueued", "{job}", "Jobs written to the store.");
        Started = _meter.CreateCounter<long>("jobqueue.jobs.started", "{job}", "Attempts started.");
        Succeeded = _meter.CreateCounter<long>("jobqueue.jobs.succeeded", "{job}", "Jobs that succeeded.");
        Failed = _meter.CreateCounter<long>("jobqueue.jobs.failed", "{job}", "Jobs that failed for good.");
        Retried = _meter.CreateCounter<long>("jobqueue.jobs.retried", "{job}", "Failed attempts scheduled for a retry.");
        Duration = _meter.CreateHistogram<double>("jobqueue.job.duration", "ms", "How long an attempt ran.");
        QueueWait = _meter.CreateHistogram<double>("jobqueue.job.queue_wait", "ms", "How long a job waited between its due time and its start.");
        HandlersAbandoned = _meter.CreateCounter<long>("jobqueue.handlers.abandoned", "{handler}",
            "Handlers that ignored their cancelled token past the grace period and were left running.");
    }

    public static ActivitySource ActivitySource => s_activitySource;

    public Counter<long> Enqueued { get; }

    public Counter<long> Started { get; }

    public Counter<long> Succeeded { get; }

    public Counter<long> Failed { get; }

    public Counter<long> Retried { get; }

    public Histogram<double> Duration { get; }

    public Histogram<double> QueueWait { get; }

    /// <summary>Tagged with the job's name and queue and <c>jobqueue.stop_reason</c> (timeout, cancelled, lease_lost, shutdown).</summary>
    public Counter<long> HandlersAbandoned { get; }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}

using System.Diagnostics.Metrics;

namespace TicketShop;

/// <summary>Listens to JobQueue's Meter, the same numbers an OpenTelemetry exporter would ship.</summary>
public sealed class JobCounters : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _succeeded;
    private long _retried;
    private long _failed;

    public JobCounters()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "JobQueue")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            switch (instrument.Name)
            {
                case "jobqueue.jobs.succeeded": Interlocked.Add(ref _succeeded, value); break;
                case "jobqueue.jobs.retried": Interlocked.Add(ref _retried, value); break;
                case "jobqueue.jobs.failed": Interlocked.Add(ref _failed, value); break;
            }
        });
        _listener.Start();
    }

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public long Retried => Interlocked.Read(ref _retried);

    public long Failed => Interlocked.Read(ref _failed);

    public void Dispose() => _listener.Dispose();
}

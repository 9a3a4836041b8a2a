using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using JobQueue.Testing;
using JobQueue.Testing.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Diagnostics;

public sealed class DiagnosticsTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task Execute_EnqueuedUnderATrace_ExecutionSpanIsChildOfEnqueueSpan()
    {
        var stopped = new ConcurrentQueue<Activity>();
        var processStopped = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var request = new Activity("http-request").SetIdFormat(ActivityIdFormat.W3C);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "JobQueue",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                stopped.Enqueue(activity);
                if (activity.OperationName == "process test-add" && activity.TraceId == request.TraceId)
                {
                    processStopped.TrySetResult(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using TestHost host = await Hosts.StartAsync(_probe);
        request.Start();

        JobId id = await host.Client.EnqueueAsync(new AddArgs(1, 2));
        request.Stop();
        Activity process = await Deadline.Within(processStopped.Task, "the process span to stop");
        Activity enqueue = stopped.Single(a => a.OperationName == "enqueue test-add" && Equals(a.GetTagItem("jobqueue.job.id"), id.ToString()));

        enqueue.TraceId.Should().Be(request.TraceId);
        enqueue.Kind.Should().Be(ActivityKind.Producer);
        process.Kind.Should().Be(ActivityKind.Consumer);
        process.TraceId.Should().Be(request.TraceId);
        process.ParentSpanId.Should().Be(enqueue.SpanId);
        process.GetTagItem("jobqueue.job.attempt").Should().Be(1);
    }

    [Fact]
    public async Task Execute_SuccessAndRetry_RecordsCountersAndHistograms()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);
        IMeterFactory factory = host.Services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<(string Instrument, double Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "JobQueue" && instrument.Meter.Scope == factory)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measurements.Enqueue((instrument.Name, value)));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measurements.Enqueue((instrument.Name, value)));
        listener.Start();

        await host.WaitAsync(await host.Client.EnqueueAsync(new FlakyArgs("metered", FailTimes: 1)));
        await host.WaitAsync(await host.Client.EnqueueAsync(new FlakyArgs("broken", FailTimes: 0, Permanent: true)));
        double Sum(string name) => measurements.Where(m => m.Instrument == name).Sum(m => m.Value);

        Sum("jobqueue.jobs.enqueued").Should().Be(2);
        Sum("jobqueue.jobs.started").Should().Be(3);
        Sum("jobqueue.jobs.retried").Should().Be(1);
        Sum("jobqueue.jobs.succeeded").Should().Be(1);
        Sum("jobqueue.jobs.failed").Should().Be(1);
        measurements.Count(m => m.Instrument == "jobqueue.job.duration").Should().Be(3);
        measurements.Count(m => m.Instrument == "jobqueue.job.queue_wait").Should().Be(3);
    }
}

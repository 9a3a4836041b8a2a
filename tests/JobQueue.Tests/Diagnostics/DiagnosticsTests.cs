using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
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
        using var metrics = new CapturingMeterListener("JobQueue", host.Services.GetRequiredService<IMeterFactory>());

        await host.WaitAsync(await host.Client.EnqueueAsync(new FlakyArgs("metered", FailTimes: 1)));
        await host.WaitAsync(await host.Client.EnqueueAsync(new FlakyArgs("broken", FailTimes: 0, Permanent: true)));

        // An outcome is counted after it is written, so a job can be seen finished before its counter moves.
        await metrics.WaitForAsync(
            m => m.Sum("jobqueue.jobs.retried") >= 1 && m.Sum("jobqueue.jobs.succeeded") >= 1 && m.Sum("jobqueue.jobs.failed") >= 1,
            "the outcome counters of both jobs (retried, succeeded, failed)");
        metrics.Sum("jobqueue.jobs.enqueued").Should().Be(2);
        metrics.Sum("jobqueue.jobs.started").Should().Be(3);
        metrics.Sum("jobqueue.jobs.retried").Should().Be(1);
        metrics.Sum("jobqueue.jobs.succeeded").Should().Be(1);
        metrics.Sum("jobqueue.jobs.failed").Should().Be(1);
        metrics.Count("jobqueue.job.duration").Should().Be(3);
        metrics.Count("jobqueue.job.queue_wait").Should().Be(3);
    }
}

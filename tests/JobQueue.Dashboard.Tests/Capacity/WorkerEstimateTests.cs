using JobQueue.Dashboard.Capacity;

namespace JobQueue.Dashboard.Tests.Capacity;

public sealed class WorkerEstimateTests
{
    [Fact]
    public void For_ASaturatedQueue_SaysHowManyWorkersAreNeeded()
    {
        // 3 workers, 10 s jobs, 270 attempts in 15 minutes: 0.3 a second × 10 s = 3 busy workers (100 %), 60 waiting.
        var queue = new QueueInfo { Name = "emails", Concurrency = 3, Enqueued = 60, Latency = TimeSpan.FromSeconds(40) };

        WorkerEstimate estimate = WorkerEstimate.For(queue, 270, [TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12)]);

        estimate.Busy.Should().BeApproximately(1.0, 0.001);
        // Demand: (0.3 + 60 / 900) × 10 = 3.67 busy workers; at 80 %: 4.6, so 5.
        estimate.Needed.Should().Be(5);
        estimate.Summary.Should().Be("emails: 3 workers busy 100 % of the time, latency 40 s and rising with 60 waiting: about 5 are needed (mean run 10 s over 2 jobs, 18 attempts a minute).");
    }

    [Fact]
    public void For_AnIdleQueue_SaysEnough()
    {
        var queue = new QueueInfo { Name = "reports", Concurrency = 4 };

        WorkerEstimate estimate = WorkerEstimate.For(queue, 90, [TimeSpan.FromSeconds(2)]);

        estimate.Busy.Should().BeApproximately(0.05, 0.001);
        estimate.Summary.Should().StartWith("reports: 4 workers busy 5 % of the time, latency 0 ms: enough");
        estimate.Summary.Should().NotContain("rising");
    }

    [Fact]
    public void For_NoRunTimes_SaysWhyThereIsNoEstimate()
    {
        WorkerEstimate estimate = WorkerEstimate.For(new QueueInfo { Name = "q", Concurrency = 1 }, 10, []);

        estimate.Needed.Should().BeNull();
        estimate.Summary.Should().Contain("no succeeded job is retained");
    }
}

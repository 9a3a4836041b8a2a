using JobQueue.Storage;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Client;

/// <summary>
/// What every enqueue path checks before it writes: the arguments' size (JobQueueOptions.MaxArgumentsSize) and the
/// spans in EnqueueOptions, which must fit a .NET timer.
/// </summary>
public sealed class JobFactoryTests
{
    private const int Limit = 200;
    private static readonly string s_big = new('x', Limit + 1);
    private readonly Probe _probe = new();

    [Fact]
    public async Task EnqueueAsync_ArgumentsOverTheLimit_ThrowsNamingJobSizeAndOptionAndWritesNothing()
    {
        await using TestHost host = await StartAsync();

        Func<Task> act = async () => await host.Client.EnqueueAsync(new RecordArgs(s_big));

        (await act.Should().ThrowAsync<ArgumentException>())
            .WithMessage($"The arguments of job 'test-record' are {Limit + 12} bytes of JSON, over JobQueueOptions.MaxArgumentsSize ({Limit} bytes)*")
            .And.ParamName.Should().Be("args");
        (await AllJobsAsync(host)).Should().BeEmpty();
    }

    [Fact]
    public async Task EnqueueAsync_ArgumentsAtTheLimit_AreWritten()
    {
        await using TestHost host = await StartAsync();

        // {"name":"..."} is 11 bytes around the name.
        JobId id = await host.Client.EnqueueAsync(new RecordArgs(new string('x', Limit - 11)));

        (await host.WaitAsync(id)).State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task EnqueueManyAsync_OneItemOverTheLimit_ThrowsAndWritesNoneOfThem()
    {
        await using TestHost host = await StartAsync();
        RecordArgs[] args = [.. Enumerable.Range(0, 2500).Select(i => new RecordArgs(i.ToString(System.Globalization.CultureInfo.InvariantCulture))), new RecordArgs(s_big)];

        Func<Task> act = async () => await host.Client.EnqueueManyAsync(args);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*'test-record'*MaxArgumentsSize*");
        (await AllJobsAsync(host)).Should().BeEmpty("every item is checked before the first chunk is written");
    }

    [Theory]
    [InlineData("child")]
    [InlineData("success-callback")]
    [InlineData("failure-callback")]
    public async Task StartBatchAsync_ArgumentsOverTheLimit_ThrowsAndWritesNothing(string where)
    {
        await using TestHost host = await StartAsync();

        Func<Task> act = async () => await host.Client.StartBatchAsync(b =>
        {
            b.Enqueue(new ChildArgs(where == "child" ? s_big : "small"));
            b.OnSuccess(new CallbackArgs(where == "success-callback" ? s_big : "done"));
            b.OnFailure(new CallbackArgs(where == "failure-callback" ? s_big : "failed"));
        });

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*MaxArgumentsSize*");
        (await AllJobsAsync(host)).Should().BeEmpty();
    }

    [Fact]
    public async Task EnqueueIntoBatchAsync_ArgumentsOverTheLimit_ThrowsToTheHandlerAndAddsNoChild()
    {
        await using TestHost host = await StartAsync(q => q.AddJob<OversizedChildJob>());

        BatchId batch = await host.Client.StartBatchAsync(b => b.Enqueue(new OversizedChildArgs(Limit + 1)));
        await _probe.WaitAsync("refused");
        BatchInfo? info = await WaitForBatchAsync(host, batch);

        _probe.Events.Should().Contain(e => e.StartsWith("refused:", StringComparison.Ordinal) && e.Contains("MaxArgumentsSize", StringComparison.Ordinal));
        info!.Total.Should().Be(1, "the refused child was never written");
    }

    [Fact]
    public async Task EnqueueAsync_NoLimit_TakesLargeArguments()
    {
        await using TestHost host = await StartAsync(q => q.Configure(o => o.MaxArgumentsSize = null));

        JobId id = await host.Client.EnqueueAsync(new RecordArgs(new string('x', 2 * JobQueueOptions.DefaultMaxSize)));

        (await host.WaitAsync(id)).State.Should().Be(JobState.Succeeded);
    }

    [Theory]
    [InlineData("delay-over-timer", "EnqueueOptions.Delay*at most*49.7 days*RunAt*")]
    [InlineData("delay-max", "EnqueueOptions.Delay*at most*49.7 days*")]
    [InlineData("timeout-over-timer", "EnqueueOptions.Timeout*at most*49.7 days*")]
    [InlineData("timeout-max", "EnqueueOptions.Timeout*at most*49.7 days*")]
    [InlineData("retry-over-timer", "EnqueueOptions.RetryDelay*at most*49.7 days*")]
    [InlineData("retry-negative", "EnqueueOptions.RetryDelay*cannot be negative*")]
    [InlineData("delay-negative", "EnqueueOptions.Delay*cannot be negative*")]
    public async Task EnqueueAsync_SpanThatWouldOverflowATimer_ThrowsNamingTheSetting(string problem, string message)
    {
        await using TestHost host = await StartAsync();
        TimeSpan over = TimerLimit.Max + TimeSpan.FromMilliseconds(1);
        EnqueueOptions options = problem switch
        {
            "delay-over-timer" => new EnqueueOptions { Delay = over },
            "delay-max" => new EnqueueOptions { Delay = TimeSpan.MaxValue },
            "timeout-over-timer" => new EnqueueOptions { Timeout = over },
            "timeout-max" => new EnqueueOptions { Timeout = TimeSpan.MaxValue },
            "retry-over-timer" => new EnqueueOptions { RetryDelay = over },
            "retry-negative" => new EnqueueOptions { RetryDelay = TimeSpan.FromTicks(-1) },
            _ => new EnqueueOptions { Delay = Timeout.InfiniteTimeSpan },
        };

        Func<Task> enqueue = async () => await host.Client.EnqueueAsync(new RecordArgs("x"), options);
        Func<Task> many = async () => await host.Client.EnqueueManyAsync([new RecordArgs("x")], options);
        Func<Task> batch = async () => await host.Client.StartBatchAsync(b => b.Enqueue(new ChildArgs("x"), options));

        await enqueue.Should().ThrowAsync<ArgumentException>().WithMessage(message);
        await many.Should().ThrowAsync<ArgumentException>().WithMessage(message);
        await batch.Should().ThrowAsync<ArgumentException>().WithMessage(message);
        (await AllJobsAsync(host)).Should().BeEmpty();
    }

    [Fact]
    public async Task EnqueueAsync_SpansAtTheTimerLimit_AreAccepted()
    {
        await using TestHost host = await StartAsync();

        JobId id = await host.Client.EnqueueAsync(new RecordArgs("x"),
            new EnqueueOptions { Timeout = TimerLimit.Max, RetryDelay = TimerLimit.Max });

        (await host.WaitAsync(id)).State.Should().Be(JobState.Succeeded, "a timer armed with the limit itself does not throw");
    }

    private Task<TestHost> StartAsync(Action<JobQueueBuilder>? configure = null) => Hosts.StartAsync(_probe, q =>
    {
        q.Configure(o => o.MaxArgumentsSize = Limit);
        configure?.Invoke(q);
    });

    private static async Task<IReadOnlyList<StoredJob>> AllJobsAsync(TestHost host)
        => (await host.Storage.QueryJobsAsync(new JobQuery { Limit = 10_000, CountLimit = 0 }, CancellationToken.None)).Jobs;

    private static async Task<BatchInfo?> WaitForBatchAsync(TestHost host, BatchId batch)
    {
        IReadOnlyList<StoredJob> children = (await host.Storage.QueryJobsAsync(new JobQuery { BatchId = batch, Limit = 100, CountLimit = 0 }, CancellationToken.None)).Jobs;
        foreach (StoredJob child in children)
        {
            await host.WaitAsync(child.Id);
        }

        return await host.Client.GetBatchAsync(batch);
    }
}

[JobName("test-oversized-child")]
public sealed record OversizedChildArgs(int Length);

/// <summary>Tries to add a child of the given size to its batch, and records what it was told.</summary>
public sealed class OversizedChildJob(Probe probe) : IJob<OversizedChildArgs>
{
    public async Task ExecuteAsync(OversizedChildArgs args, JobContext context, CancellationToken cancellationToken)
    {
        try
        {
            await context.EnqueueIntoBatchAsync(new ChildArgs(new string('x', args.Length)), cancellationToken: cancellationToken);
            probe.Record("added");
        }
        catch (ArgumentException ex)
        {
            probe.Record("refused:" + ex.Message);
            probe.Record("refused");
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using JobQueue.Hosting;
using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Hosting;

/// <summary>Limits the executor applies to what a handler produces: its result's size, its error's size, and its abandonment.</summary>
public sealed class JobExecutorTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task Execute_ResultOverTheLimit_FailsForGoodNamingTheLimitAndStoresNoResult()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q =>
        {
            q.AddJob<EchoJob>();
            q.Configure(o => o.MaxResultSize = 100);
        });

        JobId id = await host.Client.EnqueueAsync(new EchoArgs(200));
        JobInfo info = await host.WaitAsync(id);

        info.State.Should().Be(JobState.Failed);
        info.Attempt.Should().Be(1, "a retry would return as much again");
        info.MaxAttempts.Should().BeGreaterThan(1);
        info.Result.Should().BeNull();
        info.Error!.Message.Should().Match("Job 'test-echo' returned a result of 202 bytes of JSON, over JobQueueOptions.MaxResultSize (100 bytes)*");
    }

    [Fact]
    public async Task Execute_ResultAtTheLimit_Succeeds()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q =>
        {
            q.AddJob<EchoJob>();
            q.Configure(o => o.MaxResultSize = 100);
        });

        // A JSON string: the characters and two quotes.
        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new EchoArgs(98)));

        info.State.Should().Be(JobState.Succeeded);
        info.Result!.Value.GetString().Should().HaveLength(98);
    }

    [Fact]
    public async Task Execute_HugeErrorMessageAndStack_StoresTypeAndBoundedMarkedText()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.AddJob<ChattyFailureJob>());

        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new ChattyFailureArgs(100_000), new EnqueueOptions { MaxAttempts = 1 }));

        info.State.Should().Be(JobState.Failed);
        info.Error!.Type.Should().Be(typeof(InvalidOperationException).FullName);
        info.Error.Message.Length.Should().BeLessThanOrEqualTo(AttemptOutcomeWriter.MaxErrorMessageLength);
        info.Error.Message.Should().StartWith("chatty ").And.EndWith("[truncated: 4032 of 100007 characters kept]");
        info.Error.StackTrace!.Length.Should().BeLessThanOrEqualTo(AttemptOutcomeWriter.MaxStackTraceLength);
        info.Error.StackTrace.Should().StartWith("System.InvalidOperationException: chatty ").And.Contain("[truncated: ");
    }

    [Fact]
    public async Task Execute_HandlerAbandonedAfterTimeout_CountsItInTheMeterAndTheHealthCount()
    {
        await using TestHost host = await Hosts.StartAsync(
            _probe,
            q =>
            {
                q.AddJob<ScopedGateJob>();
                q.Configure(o => o.TimeoutGrace = TimeSpan.FromMilliseconds(50));
            },
            s => s.AddScoped<ScopedResource>());
        var abandoned = new ConcurrentQueue<(long Value, string? Reason, string? Name)>();
        using MeterListener listener = Listen(host, "jobqueue.handlers.abandoned", (value, tags) => abandoned.Enqueue((value, Tag(tags, "jobqueue.stop_reason"), Tag(tags, "jobqueue.job.name"))));
        AbandonedHandlers health = host.Services.GetRequiredService<AbandonedHandlers>();

        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new ScopedGateArgs("hung"),
            new EnqueueOptions { Timeout = TimeSpan.FromMilliseconds(100), MaxAttempts = 1 }));

        info.State.Should().Be(JobState.Failed);
        abandoned.Should().Equal((1L, "timeout", "test-scoped-gate"));
        health.Total.Should().Be(1);
        health.StillRunning.Should().Be(1, "the handler ignores its token and still waits for its gate");

        _probe.Open("hung");

        // The scope is disposed after the count is taken down: once it is, the handler no longer counts as running.
        await _probe.WaitAsync("hung:disposed");
        health.StillRunning.Should().Be(0);
        health.Total.Should().Be(1);
    }

    [Fact]
    public async Task Execute_HandlerEndsWithinItsGrace_IsNotCountedAsAbandoned()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.Configure(o => o.TimeoutGrace = TimeSpan.FromSeconds(30)));
        long measured = 0;
        using MeterListener listener = Listen(host, "jobqueue.handlers.abandoned", (value, _) => Interlocked.Add(ref measured, value));

        JobInfo info = await host.WaitAsync(await host.Client.EnqueueAsync(new GateArgs("polite"),
            new EnqueueOptions { Timeout = TimeSpan.FromMilliseconds(50), MaxAttempts = 1 }));

        info.State.Should().Be(JobState.Failed);
        Interlocked.Read(ref measured).Should().Be(0);
        host.Services.GetRequiredService<AbandonedHandlers>().Total.Should().Be(0);
    }

    private static MeterListener Listen(TestHost host, string instrumentName, Action<long, ReadOnlySpan<KeyValuePair<string, object?>>> measured)
    {
        IMeterFactory factory = host.Services.GetRequiredService<IMeterFactory>();
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == instrumentName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) => measured(value, tags));
        listener.Start();
        return listener;
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}

[JobName("test-echo")]
public sealed record EchoArgs(int Length);

/// <summary>Returns a string of the asked length.</summary>
public sealed class EchoJob : IJob<EchoArgs, string>
{
    public Task<string> ExecuteAsync(EchoArgs args, JobContext context, CancellationToken cancellationToken)
        => Task.FromResult(new string('r', args.Length));
}

[JobName("test-chatty-failure")]
public sealed record ChattyFailureArgs(int Length);

/// <summary>Throws an exception with a message of the asked length.</summary>
public sealed class ChattyFailureJob : IJob<ChattyFailureArgs>
{
    public Task ExecuteAsync(ChattyFailureArgs args, JobContext context, CancellationToken cancellationToken)
        => throw new InvalidOperationException("chatty " + new string('m', args.Length));
}

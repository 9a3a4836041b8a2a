using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Registration;

public sealed class AddJobQueueTests
{
    private sealed class SecondRecordJob : IJob<RecordArgs>
    {
        public Task ExecuteAsync(RecordArgs args, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [JobName("test-record")]
    private sealed record ClashingNameArgs(int X);

    private sealed class ClashingNameJob : IJob<ClashingNameArgs>
    {
        public Task ExecuteAsync(ClashingNameArgs args, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class NotAJob
    {
    }

    private static Action Add(Action<JobQueueBuilder> configure) => () => new ServiceCollection().AddJobQueue(configure);

    [Fact]
    public async Task AddJobQueue_InAContainerWithoutLogging_TheClientEnqueuesIntoAnyQueue()
    {
        // A plain ServiceCollection, as a console tool or a test builds it: no AddLogging, so no ILogger<T> to inject.
        await using ServiceProvider services = new ServiceCollection()
            .AddJobQueue(q => q.UseInMemory().Configure(o => o.RunWorker = false))
            .BuildServiceProvider();
        IJobClient jobs = services.GetRequiredService<IJobClient>();

        JobId id = await jobs.EnqueueAsync(new RecordArgs("no-logging"), new EnqueueOptions { Queue = "served-by-nobody" });

        (await jobs.GetAsync(id))!.Queue.Should().Be("served-by-nobody");
    }

    [Fact]
    public void AddJob_SecondHandlerForSameArgsType_ThrowsNamingBoth()
    {
        Add(q => q.UseInMemory().AddJob<RecordJob>().AddJob<SecondRecordJob>())
            .Should().Throw<InvalidOperationException>()
            .WithMessage($"*{typeof(RecordArgs).FullName}*{typeof(RecordJob).FullName}*{typeof(SecondRecordJob).FullName}*");
    }

    [Fact]
    public void AddJob_SameJobNameForTwoArgsTypes_ThrowsNamingTheName()
    {
        Add(q => q.UseInMemory().AddJob<RecordJob>().AddJob<ClashingNameJob>())
            .Should().Throw<InvalidOperationException>().WithMessage("Job name 'test-record'*[JobName*");
    }

    [Fact]
    public void AddJob_TypeWithoutJobInterface_Throws()
    {
        Add(q => q.UseInMemory().AddJob<NotAJob>())
            .Should().Throw<ArgumentException>().WithMessage("*implements neither IJob<TArgs> nor IJob<TArgs, TResult>*");
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("attempts")]
    [InlineData("queue")]
    [InlineData("retry")]
    [InlineData("timeout-over-timer")]
    [InlineData("timeout-max")]
    [InlineData("retry-over-timer")]
    public void AddJob_InvalidJobOptions_ThrowsNamingTheSettingAndValue(string problem)
    {
        Action<JobOptions> configure = problem switch
        {
            "timeout" => j => j.Timeout = TimeSpan.FromSeconds(-5),
            "attempts" => j => j.MaxAttempts = 0,
            "queue" => j => j.Queue = "",
            "timeout-over-timer" => j => j.Timeout = TimeSpan.FromDays(50),
            "timeout-max" => j => j.Timeout = TimeSpan.MaxValue,
            "retry-over-timer" => j => j.RetryDelay = TimeSpan.FromDays(50),
            _ => j => j.RetryDelay = TimeSpan.FromSeconds(-1),
        };

        Add(q => q.UseInMemory().AddJob<RecordJob>(configure))
            .Should().Throw<ArgumentException>().WithMessage($"AddJob<{nameof(RecordJob)}>: JobOptions.*");
    }

    [Fact]
    public void AddQueue_ZeroConcurrency_ThrowsNamingQueueAndValue()
    {
        Add(q => q.UseInMemory().AddQueue("tickets", concurrency: 0))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("Queue 'tickets' has concurrency 0*");
    }

    [Fact]
    public void AddQueue_EmptyName_Throws()
    {
        Add(q => q.UseInMemory().AddQueue(" ", concurrency: 2))
            .Should().Throw<ArgumentException>().WithMessage("A queue name cannot be empty*");
    }

    [Fact]
    public void AddQueue_Twice_Throws()
    {
        Add(q => q.UseInMemory().AddQueue("a", 1).AddQueue("a", 2))
            .Should().Throw<ArgumentException>().WithMessage("Queue 'a' is declared twice*");
    }

    [Theory]
    [InlineData("concurrency")]
    [InlineData("lease")]
    [InlineData("retention")]
    [InlineData("grace")]
    public void Configure_InvalidHostOptions_ThrowsNamingTheSetting(string problem)
    {
        Action<JobQueueOptions> configure = problem switch
        {
            "concurrency" => o => o.DefaultConcurrency = 0,
            "lease" => o => o.LeaseDuration = TimeSpan.Zero,
            "retention" => o => o.Retention = TimeSpan.FromDays(-1),
            _ => o => o.TimeoutGrace = TimeSpan.FromSeconds(-1),
        };

        Add(q => q.UseInMemory().Configure(configure))
            .Should().Throw<ArgumentException>().WithMessage("JobQueueOptions.*");
    }

    [Theory]
    [InlineData(nameof(JobQueueOptions.LeaseDuration))]
    [InlineData(nameof(JobQueueOptions.PollInterval))]
    [InlineData(nameof(JobQueueOptions.RescueInterval))]
    [InlineData(nameof(JobQueueOptions.PruneInterval))]
    [InlineData(nameof(JobQueueOptions.MaxRetryDelay))]
    [InlineData(nameof(JobQueueOptions.TimeoutGrace))]
    [InlineData(nameof(JobQueueOptions.ShutdownTimeout))]
    public void Configure_SpanThatWouldOverflowATimer_ThrowsNamingSettingValueAndLimit(string setting)
    {
        foreach (TimeSpan value in new[] { TimeSpan.FromMilliseconds(uint.MaxValue - 1) + TimeSpan.FromMilliseconds(1), TimeSpan.MaxValue })
        {
            Add(q => q.UseInMemory().Configure(o => typeof(JobQueueOptions).GetProperty(setting)!.SetValue(o, value)))
                .Should().Throw<ArgumentException>()
                .WithMessage($"JobQueueOptions.{setting} is {value}; it must be at most 49.17:02:47.2940000 (about 49.7 days*");
        }
    }

    [Fact]
    public void Configure_SpansAtTheTimerLimit_AreAccepted()
    {
        TimeSpan max = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

        Add(q => q.UseInMemory().Configure(o =>
        {
            o.LeaseDuration = o.PollInterval = o.RescueInterval = o.PruneInterval = o.MaxRetryDelay = o.TimeoutGrace = o.ShutdownTimeout = max;
        })).Should().NotThrow();
    }

    [Fact]
    public void Configure_RetentionPastTheCalendar_ThrowsNamingTheSetting()
    {
        Add(q => q.UseInMemory().Configure(o => o.Retention = TimeSpan.MaxValue))
            .Should().Throw<ArgumentException>().WithMessage("JobQueueOptions.Retention is *; it must be positive and at most 36500 days, or null*");
    }

    [Theory]
    [InlineData(nameof(JobQueueOptions.MaxArgumentsSize), 0)]
    [InlineData(nameof(JobQueueOptions.MaxArgumentsSize), -1)]
    [InlineData(nameof(JobQueueOptions.MaxResultSize), 0)]
    [InlineData(nameof(JobQueueOptions.MaxResultSize), -5)]
    public void Configure_SizeLimitBelowOne_ThrowsNamingSettingValueAndFix(string setting, int value)
    {
        Add(q => q.UseInMemory().Configure(o => typeof(JobQueueOptions).GetProperty(setting)!.SetValue(o, value)))
            .Should().Throw<ArgumentException>().WithMessage($"JobQueueOptions.{setting} is {value}; it must be at least 1 byte, or null for no limit*");
    }

    [Fact]
    public void JobQueueOptions_Defaults_LimitArgumentsAndResultsToOneMebibyte()
    {
        var options = new JobQueueOptions();

        options.MaxArgumentsSize.Should().Be(1024 * 1024);
        options.MaxResultSize.Should().Be(1024 * 1024);
    }

    [Fact]
    public void AddJobQueue_NoStore_ThrowsNamingTheChoices()
    {
        Add(q => q.AddJob<RecordJob>()).Should().Throw<InvalidOperationException>().WithMessage("*UseInMemory()*UseSqlite*");
    }

    [Fact]
    public void AddJobQueue_TwoStores_Throws()
    {
        Add(q => q.UseInMemory().UseInMemory()).Should().Throw<InvalidOperationException>().WithMessage("*choose one store*");
    }

    [Fact]
    public void AddJobQueue_CalledTwice_Throws()
    {
        var services = new ServiceCollection().AddJobQueue(q => q.UseInMemory());

        Action again = () => services.AddJobQueue(q => q.UseInMemory());

        again.Should().Throw<InvalidOperationException>().WithMessage("AddJobQueue was called twice*");
    }

    [Fact]
    public void UseInMemory_ZeroCapacity_Throws()
    {
        Add(q => q.UseInMemory(o => o.Capacity = 0)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Capacity is 0*");
    }

    [Fact]
    public void AddJobQueue_RunWorkerFalse_RegistersNoHostedService()
    {
        var services = new ServiceCollection().AddJobQueue(q => q.UseInMemory().Configure(o => o.RunWorker = false));

        services.Should().NotContain(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService));
        services.Should().Contain(d => d.ServiceType == typeof(IJobClient));
    }

    [Fact]
    public void JobName_WithoutAttribute_IsFullTypeName()
    {
        JobQueue.Registration.JobRegistry.NameOf(typeof(UnregisteredArgs)).Should().Be("JobQueue.TestSupport.Jobs.UnregisteredArgs");
        JobQueue.Registration.JobRegistry.NameOf(typeof(RecordArgs)).Should().Be("test-record");
    }
}

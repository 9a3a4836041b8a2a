using JobQueue.TestSupport;
using JobQueue.TestSupport.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Tests.Client;

[JobName("contract-invoice")]
[JobDefaults(Queue = "invoices", Priority = 2, MaxAttempts = 3)]
public sealed record InvoiceRequested(int Number);

public sealed class InvoiceJob : IJob<InvoiceRequested>
{
    public Task ExecuteAsync(InvoiceRequested args, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
}

[JobDefaults(Timeout = "soon")]
public sealed record BadTimeoutArgs(int Value);

[JobDefaults(Queue = " ")]
public sealed record BlankQueueArgs(int Value);

[JobDefaults(MaxAttempts = -1)]
public sealed record NegativeAttemptsArgs(int Value);

// The name of a registered test job's arguments (RecordArgs).
[JobName("test-record")]
public sealed record RecordArgsImpostor(string Name);

/// <summary>Enqueueing an arguments type whose handler this process does not register.</summary>
public sealed class JobContractTests
{
    private readonly Probe _probe = new();

    [Fact]
    public async Task Enqueue_ArgsTypeWithoutHandlerOrAttributes_IsWrittenUnderItsFullNameWithTheDefaultOptions()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobId id = await host.Client.EnqueueAsync(new UnregisteredArgs(1));

        JobInfo info = (await host.Client.GetAsync(id))!;
        info.Name.Should().Be(typeof(UnregisteredArgs).FullName);
        info.Queue.Should().Be("default");
        info.Priority.Should().Be(0);
        info.MaxAttempts.Should().Be(10);
    }

    [Fact]
    public async Task Enqueue_ArgsTypeWithJobDefaults_TakesItsNameAndOptions_AndEnqueueOptionsWin()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        JobInfo byContract = (await host.Client.GetAsync(await host.Client.EnqueueAsync(new InvoiceRequested(1))))!;
        JobInfo byCall = (await host.Client.GetAsync(await host.Client.EnqueueAsync(new InvoiceRequested(2),
            new EnqueueOptions { Queue = "urgent", MaxAttempts = 1 })))!;

        byContract.Name.Should().Be("contract-invoice");
        byContract.Queue.Should().Be("invoices");
        byContract.Priority.Should().Be(2);
        byContract.MaxAttempts.Should().Be(3);
        byCall.Queue.Should().Be("urgent");
        byCall.MaxAttempts.Should().Be(1);
    }

    [Fact]
    public async Task AddJob_StartsFromTheArgsTypesJobDefaults_AndConfigureChangesThemForThisProcess()
    {
        await using TestHost host = await Hosts.StartAsync(_probe, q => q.AddJob<InvoiceJob>(j => j.MaxAttempts = 5));

        JobInfo info = (await host.Client.GetAsync(await host.Client.EnqueueAsync(new InvoiceRequested(3))))!;

        info.Queue.Should().Be("invoices");
        info.Priority.Should().Be(2);
        info.MaxAttempts.Should().Be(5);
    }

    [Fact]
    public async Task Enqueue_JobDefaultsThatAreNotValid_ThrowsNamingTheTypeAndProperty_AndWritesNothing()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        Func<Task> badTimeout = async () => await host.Client.EnqueueAsync(new BadTimeoutArgs(1));
        Func<Task> blankQueue = async () => await host.Client.EnqueueManyAsync([new BlankQueueArgs(1)]);
        Func<Task> negativeAttempts = async () => await host.Client.StartBatchAsync(b => b.Enqueue(new NegativeAttemptsArgs(1)));

        await badTimeout.Should().ThrowAsync<ArgumentException>().WithMessage($"*Timeout = \"soon\"*{typeof(BadTimeoutArgs).FullName}*hh:mm:ss*");
        await blankQueue.Should().ThrowAsync<ArgumentException>().WithMessage($"*Queue*{typeof(BlankQueueArgs).FullName}*empty*");
        await negativeAttempts.Should().ThrowAsync<ArgumentException>().WithMessage($"*MaxAttempts*{typeof(NegativeAttemptsArgs).FullName}*at least 1*");
        (await host.Services.GetRequiredService<IJobAdmin>().GetQueuesAsync()).Sum(queue => queue.Enqueued).Should().Be(0);
    }

    [Fact]
    public void AddJob_JobDefaultsThatAreNotValid_FailsAddJob()
    {
        Action act = () => new ServiceCollection().AddJobQueue(q => q.UseInMemory().AddJob<BadTimeoutJob>());

        act.Should().Throw<ArgumentException>().WithMessage($"*{typeof(BadTimeoutArgs).FullName}*");
    }

    [Fact]
    public async Task Enqueue_UnregisteredTypeNamedLikeARegisteredJob_IsRefusedBeforeAnythingIsWritten()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        Func<Task> act = async () => await host.Client.EnqueueAsync(new RecordArgsImpostor("x"));

        await act.Should().ThrowAsync<InvalidOperationException>()
            .WithMessage($"*{typeof(RecordArgsImpostor).FullName}*{typeof(RecordArgs).FullName}*[JobName*");
        (await host.Services.GetRequiredService<IJobAdmin>().GetQueuesAsync()).Sum(queue => queue.Enqueued).Should().Be(0);
    }

    [Fact]
    public async Task Enqueue_AbstractArgsType_IsRefused()
    {
        await using TestHost host = await Hosts.StartAsync(_probe);

        Func<Task> act = async () => await host.Client.EnqueueAsync<object>(new UnregisteredArgs(1));

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*System.Object cannot be a job's arguments type*");
    }

    [Fact]
    public async Task EnqueueOnlyProcess_JobsSectionOfAJobWithoutHandler_IsReadOverItsJobDefaults()
    {
        // The worker's appsettings, shared by a web process that registers no handler.
        await using TestHost web = await TestHost.StartAsync(q => q
            .Configure(Settings(("RunWorker", "false"), ("Jobs:contract-invoice:Queue", "billing"), ("Jobs:contract-invoice:MaxAttempts", "7")))
            .UseInMemory());

        JobInfo info = (await web.Client.GetAsync(await web.Client.EnqueueAsync(new InvoiceRequested(4))))!;

        info.Queue.Should().Be("billing");
        info.MaxAttempts.Should().Be(7);
        info.Priority.Should().Be(2, "what the section leaves out comes from [JobDefaults]");
    }

    [Theory]
    [InlineData("0", "JobQueue:Jobs:contract-invoice:MaxAttempts is 0; it must be at least 1*")]
    [InlineData("many", "JobQueue:Jobs:contract-invoice:MaxAttempts could not be read as a Int32*")]
    public async Task EnqueueOnlyProcess_BadValueInTheJobsSection_FailsTheEnqueueNamingTheKey(string value, string message)
    {
        await using TestHost web = await TestHost.StartAsync(q => q
            .Configure(Settings(("RunWorker", "false"), ("Jobs:contract-invoice:MaxAttempts", value)))
            .UseInMemory());

        Func<Task> act = async () => await web.Client.EnqueueAsync(new InvoiceRequested(5));

        await act.Should().ThrowAsync<ArgumentException>().WithMessage(message);
    }

    private static IConfigurationSection Settings(params (string Key, string Value)[] values)
        => new ConfigurationBuilder()
            .AddInMemoryCollection(values.ToDictionary(value => $"JobQueue:{value.Key}", value => (string?)value.Value))
            .Build()
            .GetSection("JobQueue");

    private sealed class BadTimeoutJob : IJob<BadTimeoutArgs>
    {
        public Task ExecuteAsync(BadTimeoutArgs args, JobContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

using JobQueue.Hosting;
using JobQueue.Recurring;
using JobQueue.Registration;
using JobQueue.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Testing;

/// <summary>
/// Drives JobQueue in a test: the application enqueues through its normal <see cref="IJobClient"/> into an in-memory
/// store, and the test asserts what was enqueued, runs the due jobs inline through the real engine (its executor, retry
/// policy, batch accounting and recurring scheduler), and moves a fake clock to fire delayed, scheduled and recurring jobs.
/// </summary>
/// <remarks>
/// <para>Get one from an application's services after <c>services.AddJobQueueTesting()</c> (in a
/// <c>WebApplicationFactory</c>: <c>factory.Services.GetRequiredService&lt;JobQueueTestHarness&gt;()</c>), or build one
/// without a host with <see cref="Create"/>.</para>
/// <para>Nothing runs on its own: jobs run only inside <see cref="RunJobsAsync"/>, <see cref="AdvanceTimeAsync"/>,
/// <see cref="AdvanceTimeToAsync"/> and <see cref="RunJobAsync{TArgs}"/>, one attempt at a time, in the order a worker
/// would take them. Not meant to be called from several threads at once.</para>
/// </remarks>
public sealed partial class JobQueueTestHarness : IAsyncDisposable
{
    private readonly IJobStorage _storage;
    private readonly JobExecutor _executor;
    private readonly WorkerPlan _plan;
    private readonly JobQueueOptions _options;
    private readonly JobQueueTestingOptions _testing;
    private readonly IServiceProvider _services;

    // Resolved on first use: the application may declare recurring jobs that the harness only needs once time moves.
    private readonly Lazy<RecurringScheduler> _recurring;
    private ServiceProvider? _ownedServices;

    internal JobQueueTestHarness(IServiceProvider services, IJobStorage storage, JobExecutor executor, WorkerPlan plan,
        JobQueueOptions options, JobQueueTestingOptions testing, FakeTimeProvider clock, IJobClient jobs)
    {
        _services = services;
        _storage = storage;
        _executor = executor;
        _plan = plan;
        _options = options;
        _testing = testing;
        Clock = clock;
        Jobs = jobs;
        _recurring = new Lazy<RecurringScheduler>(services.GetRequiredService<RecurringScheduler>);
    }

    /// <summary>The fake clock every part of JobQueue (and anything else that takes a <see cref="TimeProvider"/>) reads.</summary>
    /// <remarks>Prefer <see cref="AdvanceTimeAsync"/> to moving it directly: that also fires what became due.</remarks>
    public FakeTimeProvider Clock { get; }

    /// <summary>The application's job client, the same one its code is given.</summary>
    public IJobClient Jobs { get; }

    /// <summary>The services the harness runs jobs with: the application's, or those <see cref="Create"/> built.</summary>
    public IServiceProvider Services => _services;

    /// <summary>
    /// Builds a harness without a host: the jobs, queues and recurring jobs that <paramref name="configure"/> declares, on an
    /// in-memory store and a fake clock. Dispose it at the end of the test.
    /// </summary>
    /// <param name="configure">Declares jobs, queues and options as in <c>AddJobQueue</c>; choosing a store is not needed (any store is replaced).</param>
    /// <param name="services">Registers what the jobs depend on.</param>
    /// <param name="options">Sets the clock's start and the harness's bounds.</param>
    /// <returns>A harness that owns its services.</returns>
    /// <exception cref="ArgumentException">A job or option is invalid (as in AddJobQueue).</exception>
    public static JobQueueTestHarness Create(Action<JobQueueBuilder> configure, Action<IServiceCollection>? services = null,
        Action<JobQueueTestingOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var collection = new ServiceCollection();
        collection.AddLogging();
        services?.Invoke(collection);
        collection.AddJobQueue(q =>
        {
            configure(q);
            if (q.StorageFactory is null)
            {
                q.UseInMemory();
            }
        });
        collection.AddJobQueueTesting(options);
        ServiceProvider provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        JobQueueTestHarness harness = provider.GetRequiredService<JobQueueTestHarness>();
        harness._ownedServices = provider;
        return harness;
    }

    /// <summary>Disposes the services, if <see cref="Create"/> built them; a harness taken from an application's services leaves them alone.</summary>
    public ValueTask DisposeAsync()
    {
        ServiceProvider? owned = Interlocked.Exchange(ref _ownedServices, null);
        return owned?.DisposeAsync() ?? ValueTask.CompletedTask;
    }

    /// <summary>The stable job name of an arguments type, as the store keeps it.</summary>
    private static string NameOf<TArgs>() => JobRegistry.NameOf(typeof(TArgs));
}

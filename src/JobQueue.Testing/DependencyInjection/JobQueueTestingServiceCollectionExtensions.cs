using JobQueue;
using JobQueue.Diagnostics;
using JobQueue.Hosting;
using JobQueue.InMemory;
using JobQueue.Recurring;
using JobQueue.Storage;
using JobQueue.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Turns an application's JobQueue into one a test drives: see <see cref="AddJobQueueTesting"/>.</summary>
public static class JobQueueTestingServiceCollectionExtensions
{
    // JobQueue and its store packages: their hosted services (the worker host, the recurring scheduler, migrations on
    // start) are what a test replaces. Named, so that an application's own assembly called "JobQueue.Something" is left alone.
    private static readonly HashSet<string> s_jobQueueAssemblies =
        new(["JobQueue", "JobQueue.Sqlite", "JobQueue.Postgres", "JobQueue.Redis", "JobQueue.Dashboard"], StringComparer.Ordinal);

    /// <summary>
    /// Replaces, in services that <c>AddJobQueue(...)</c> configured already, the store with an in-memory one, the clock
    /// (<see cref="TimeProvider"/>) with a <see cref="FakeTimeProvider"/>, and removes the worker host and the recurring
    /// scheduler, so that nothing runs on its own; then registers a <see cref="JobQueueTestHarness"/> that runs jobs when the
    /// test says so. Jobs, queues, options and recurring jobs stay as the application declared them. Call it after the
    /// application's own registrations, for example in <c>WebApplicationFactory.ConfigureTestServices</c>.
    /// </summary>
    /// <param name="services">Services that AddJobQueue was called on.</param>
    /// <param name="configure">Sets the clock's start and the harness's bounds.</param>
    /// <returns>The same services.</returns>
    /// <exception cref="InvalidOperationException">AddJobQueue was not called on <paramref name="services"/>, or this method was called twice.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IServiceCollection AddJobQueueTesting(this IServiceCollection services, Action<JobQueueTestingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(static d => d.ServiceType == typeof(IJobStorage)))
        {
            throw new InvalidOperationException(
                "AddJobQueueTesting found no JobQueue in these services: call services.AddJobQueue(...) first (in a WebApplicationFactory, " +
                "the application's Program does; call AddJobQueueTesting in ConfigureTestServices, which runs after it).");
        }

        if (services.Any(static d => d.ServiceType == typeof(JobQueueTestHarness)))
        {
            throw new InvalidOperationException("AddJobQueueTesting was called twice on the same services; call it once.");
        }

        var options = new JobQueueTestingOptions();
        configure?.Invoke(options);
        options.Validate();

        // Nothing of JobQueue runs on its own: the worker host, the recurring scheduler and a store's start-up work
        // (migrations of a database the test does not have) are JobQueue's hosted services. The application's own stay.
        for (int i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(IHostedService) && IsJobQueueService(services[i]))
            {
                services.RemoveAt(i);
            }
        }

        var clock = new FakeTimeProvider(options.StartTime);
        services.RemoveAll<TimeProvider>();
        services.AddSingleton<TimeProvider>(clock);
        services.AddSingleton(clock);

        // One fresh in-memory store, whatever store the application chose.
        var storage = new InMemoryJobStorage(new InMemoryStorageOptions());
        services.RemoveAll<IJobStorage>();
        services.RemoveAll<Func<IServiceProvider, IJobStorage>>();
        services.RemoveAll<StoreName>();
        services.AddSingleton<IJobStorage>(storage);
        services.AddSingleton<Func<IServiceProvider, IJobStorage>>(_ => storage);
        services.AddSingleton(new StoreName("in-memory (testing)"));

        // The engine's own retry policy, with its jitter drawn from a fixed seed: retry times repeat from run to run.
        var jitter = new Random(19);
        services.RemoveAll<RetryPolicy>();
        services.AddSingleton(sp => new RetryPolicy(sp.GetRequiredService<JobQueueOptions>().MaxRetryDelay, jitter.NextDouble));

        // Registered by AddJobQueue only for hosts that run a worker; the harness is that worker here.
        services.TryAddSingleton<JobExecutor>();
        services.TryAddSingleton<RecurringScheduler>();
        services.AddSingleton(options);
        services.AddSingleton(sp => new JobQueueTestHarness(sp, sp.GetRequiredService<IJobStorage>(), sp.GetRequiredService<JobExecutor>(),
            sp.GetRequiredService<WorkerPlan>(), sp.GetRequiredService<JobQueueOptions>(), options, clock, sp.GetRequiredService<IJobClient>()));
        return services;
    }

    /// <summary>Whether a service is registered by JobQueue itself or one of its store packages (not by this one).</summary>
    private static bool IsJobQueueService(ServiceDescriptor descriptor)
    {
        Type? implementation = descriptor.IsKeyedService
            ? descriptor.KeyedImplementationType ?? descriptor.KeyedImplementationFactory?.Method.DeclaringType ?? descriptor.KeyedImplementationInstance?.GetType()
            : descriptor.ImplementationType ?? descriptor.ImplementationFactory?.Method.DeclaringType ?? descriptor.ImplementationInstance?.GetType();
        return implementation?.Assembly.GetName().Name is { } assembly && s_jobQueueAssemblies.Contains(assembly);
    }
}

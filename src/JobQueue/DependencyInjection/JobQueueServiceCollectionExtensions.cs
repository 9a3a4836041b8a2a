using System.Diagnostics.Metrics;
using JobQueue;
using JobQueue.Admin;
using JobQueue.Binding;
using JobQueue.Client;
using JobQueue.Diagnostics;
using JobQueue.Hosting;
using JobQueue.Logs;
using JobQueue.Recurring;
using JobQueue.Registration;
using JobQueue.Storage;
using JobQueue.Watching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds JobQueue to an application's services.</summary>
public static class JobQueueServiceCollectionExtensions
{
    /// <summary>
    /// Adds the job client (<see cref="IJobClient"/>) and, unless <see cref="JobQueueOptions.RunWorker"/> is false,
    /// the worker host that runs jobs as a hosted service. Every option given in code is validated here, so a bad
    /// setting fails at startup with its name and value; values read through
    /// <see cref="JobQueueBuilder.Configure(Microsoft.Extensions.Configuration.IConfiguration)"/> are validated when the
    /// host starts (an <see cref="OptionsValidationException"/> naming each key's path).
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Chooses the store, registers jobs and queues, sets options.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="InvalidOperationException">No store was chosen, a job is registered twice, or AddJobQueue was called before.</exception>
    public static IServiceCollection AddJobQueue(this IServiceCollection services, Action<JobQueueBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(JobRegistry)))
        {
            throw new InvalidOperationException("AddJobQueue was called twice; configure every job, queue and option in one call.");
        }

        var builder = new JobQueueBuilder(services);
        configure(builder);
        JobRegistry registry = builder.BuildRegistry();
        List<string> configurationFailures = builder.ApplyConfiguration(registry);
        Func<IServiceProvider, IJobStorage> storageFactory = builder.StorageFactory ?? throw new InvalidOperationException(
            "JobQueue has no store: call q.UseInMemory(), or UseSqlite(path), UsePostgres(connectionString) or UseRedis(connectionString) from their packages.");

        JobQueueOptions options = builder.Options;
        services.AddSingleton(registry);
        services.AddSingleton(options);

        // IOptions<JobQueueOptions> is the instance built here (code's values, configuration's on top), checked when the
        // host starts: a value from configuration fails the start with its key's path, beside the application's own
        // IValidateOptions<JobQueueOptions>, if any.
        services.AddOptions<JobQueueOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobQueueOptions>>(
            new JobQueueOptionsValidator(builder.Configuration, configurationFailures, builder.Queues, registry, builder.InMemoryOptions));
        services.AddSingleton<IOptionsFactory<JobQueueOptions>>(sp =>
            new ValidatedOptionsFactory<JobQueueOptions>(() => options, sp.GetServices<IValidateOptions<JobQueueOptions>>()));
        services.AddSingleton(new WorkerPlan(builder.Queues, registry, options));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(storageFactory);
        services.AddSingleton(new StoreName(builder.StorageName!));
        services.AddSingleton<IJobStorage>(sp => storageFactory(sp));
        services.AddSingleton(sp => new JobFactory(registry, options, builder.Configuration?.GetSection(JobQueueBuilder.JobsKey)));
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<UnknownJobs>();
        services.AddSingleton<AbandonedHandlers>();
        services.AddSingleton(sp => new JobQueueDiagnostics(sp.GetService<IMeterFactory>()));
        services.AddSingleton<RetryPolicy>(sp => new RetryPolicy(options.MaxRetryDelay, Random.Shared.NextDouble));
        services.AddSingleton<UnservedQueues>();
        services.AddSingleton<IJobClient, JobClient>();

        // Watching jobs (IJobClient.WatchAsync): the engine's change signals and the shared per-job feeds.
        services.AddSingleton<JobChanges>();
        services.AddSingleton<JobWatchers>();

        // Job logs: what handlers log is kept with their job (IJobAdmin.GetJobLogAsync).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, JobLogCapture>());
        services.AddSingleton<IJobAdmin, JobAdmin>();
        if (options.RunWorker)
        {
            services.AddSingleton<JobExecutor>();
            services.AddSingleton<WorkerHost>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<WorkerHost>());
        }

        // Recurring (cron) jobs: the runtime API everywhere; the declarations in code and the scheduler in worker hosts.
        services.AddSingleton(RecurringDeclarations.Build(builder.RecurringJobs, registry, options));
        services.AddSingleton<RecurringSchedules>();
        services.AddSingleton<RecurringSignal>();
        services.AddSingleton<IRecurringJobs, RecurringJobs>();
        if (options.RunWorker)
        {
            services.AddSingleton<RecurringScheduler>();
            services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RecurringScheduler>());
        }

        return services;
    }
}

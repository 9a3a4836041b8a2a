using JobQueue.Binding;
using JobQueue.InMemory;
using JobQueue.Registration;
using JobQueue.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace JobQueue;

/// <summary>Configures JobQueue inside <c>services.AddJobQueue(q =&gt; ...)</c>: the store, the jobs, the queues and the host's options.</summary>
public sealed partial class JobQueueBuilder
{
    private readonly Dictionary<string, QueueOptions> _queues = new(StringComparer.Ordinal);
    private readonly List<(Type JobType, Dictionary<Type, JobOptions> OptionsByArgsType)> _jobs = [];
    private Func<IServiceProvider, IJobStorage>? _storageFactory;
    private string? _storageName;

    internal JobQueueBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The application's services, for storage providers that register their own.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The options of the client and worker host; change them here or through <see cref="Configure(Action{JobQueueOptions})"/>.</summary>
    public JobQueueOptions Options { get; } = new();

    internal IReadOnlyDictionary<string, QueueOptions> Queues => _queues;

    internal Func<IServiceProvider, IJobStorage>? StorageFactory => _storageFactory;

    /// <summary>The name the chosen store gave itself, such as "PostgreSQL".</summary>
    internal string? StorageName => _storageName;

    /// <summary>Uses a store made by <paramref name="factory"/>; storage packages call this from their own Use method.</summary>
    /// <param name="name">The store's name for messages, such as "PostgreSQL".</param>
    /// <param name="factory">Creates the store once, from the application's services.</param>
    /// <exception cref="InvalidOperationException">A store was chosen already.</exception>
    public JobQueueBuilder UseStorage(string name, Func<IServiceProvider, IJobStorage> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (_storageFactory is not null)
        {
            throw new InvalidOperationException($"JobQueue already uses the {_storageName} store; choose one store (Use{name} was called after Use{_storageName}).");
        }

        _storageFactory = factory;
        _storageName = name;
        return this;
    }

    /// <summary>Keeps jobs in this process's memory: fast and simple, lost when the process ends.</summary>
    /// <param name="configure">Sets a capacity and what happens when it is reached.</param>
    public JobQueueBuilder UseInMemory(Action<InMemoryStorageOptions>? configure = null)
    {
        var options = new InMemoryStorageOptions();
        configure?.Invoke(options);
        if (InMemoryStorageOptions.Problem(options, option => $"{nameof(InMemoryStorageOptions)}.{option}") is { } problem)
        {
            throw new ArgumentOutOfRangeException(nameof(configure), options.Capacity, problem.Message);
        }

        UseStorage("in-memory", _ => new InMemoryJobStorage(options));
        _inMemoryOptions = options;
        return this;
    }

    /// <summary>Registers a job handler; its arguments type is inferred from the IJob interface it implements.</summary>
    /// <remarks>
    /// The options start from the arguments type's <see cref="JobDefaultsAttribute"/>, if it has one; what
    /// <paramref name="configure"/> changes holds for the jobs this process enqueues. A process that enqueues the
    /// type without registering the handler uses the attribute's values alone.
    /// </remarks>
    /// <typeparam name="TJob">A class implementing <see cref="IJob{TArgs}"/> or <see cref="IJob{TArgs, TResult}"/>.</typeparam>
    /// <param name="configure">Sets the job type's queue, priority, timeout, attempts and retry delay.</param>
    /// <exception cref="ArgumentException">The options are invalid, or <typeparamref name="TJob"/> is no job handler.</exception>
    public JobQueueBuilder AddJob<TJob>(Action<JobOptions>? configure = null)
        where TJob : class
    {
        var optionsByArgsType = new Dictionary<Type, JobOptions>();
        foreach (Type argsType in JobRegistry.ArgsTypesOf(typeof(TJob)))
        {
            JobOptions options = JobContract.DefaultsOf(argsType);
            configure?.Invoke(options);
            OptionsValidator.Validate(typeof(TJob), options);
            optionsByArgsType[argsType] = options;
        }

        _jobs.Add((typeof(TJob), optionsByArgsType));
        Services.TryAddTransient<TJob>();
        return this;
    }

    /// <summary>Declares a queue and how many of its jobs run at once in each host.</summary>
    /// <param name="name">The queue's name.</param>
    /// <param name="concurrency">
    /// Jobs of this queue running at once, at least 1. One by default, which keeps a declared queue narrow; a queue
    /// that is not declared runs <see cref="JobQueueOptions.DefaultConcurrency"/> (10) at once.
    /// </param>
    /// <exception cref="ArgumentException">The name is empty, the concurrency is below 1, or the queue was declared already.</exception>
    public JobQueueBuilder AddQueue(string name, int concurrency = 1) => AddQueue(name, concurrency, configure: null);

    /// <summary>Declares a queue, how many of its jobs run at once in each host, and its flow limits across every host.</summary>
    /// <param name="name">The queue's name.</param>
    /// <param name="concurrency">Jobs of this queue running at once in each host, at least 1.</param>
    /// <param name="configure">Sets the queue's limits: <see cref="QueueOptions.GlobalConcurrency"/>,
    /// <see cref="QueueOptions.ConcurrencyPerKey"/>, <see cref="QueueOptions.RateLimit"/>, <see cref="QueueOptions.RateLimitPerKey"/>.</param>
    /// <exception cref="ArgumentException">The name is empty, a value is out of range, or the queue was declared already.</exception>
    public JobQueueBuilder AddQueue(string name, int concurrency, Action<QueueOptions>? configure)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A queue name cannot be empty: AddQueue(\"tickets\", concurrency: 4).", nameof(name));
        }

        if (concurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(concurrency), concurrency,
                $"Queue '{name}' has concurrency {concurrency}; it must be at least 1.");
        }

        var options = new QueueOptions { Name = name, Concurrency = concurrency };
        configure?.Invoke(options);
        OptionsValidator.Validate(options);
        if (!_queues.TryAdd(name, options))
        {
            throw new ArgumentException($"Queue '{name}' is declared twice; call AddQueue once per queue.", nameof(name));
        }

        return this;
    }

    /// <summary>Changes the options of the client and worker host.</summary>
    public JobQueueBuilder Configure(Action<JobQueueOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        configure(Options);
        return this;
    }

    /// <summary>
    /// Registers every job in a registry, validating names, and every option code set; values from configuration are
    /// checked when the host starts (<see cref="JobQueueOptionsValidator"/>).
    /// </summary>
    internal JobRegistry BuildRegistry()
    {
        OptionsValidator.ThrowFirst(OptionsValidator.Problems(Options, JobQueueOptionsValidator.NameOf(section: null, nameof(JobQueueOptions)))
            .Where(problem => !OptionsBinding.Sets(Configuration, problem.Option)));
        var registry = new JobRegistry();
        foreach ((Type jobType, Dictionary<Type, JobOptions> optionsByArgsType) in _jobs)
        {
            registry.Add(jobType, optionsByArgsType);
        }

        return registry;
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using JobQueue.Binding;
using JobQueue.Registration;
using Microsoft.Extensions.Configuration;
using JobQueue.Storage;

namespace JobQueue.Client;

/// <summary>Turns arguments and options into <see cref="NewJob"/> records: resolves every default and validates the options.</summary>
internal sealed class JobFactory
{
    private readonly JobRegistry _registry;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly int? _maxArgumentsSize;

    // The configuration's Jobs section, or null: in a process that only enqueues, it can hold the options of jobs
    // whose handlers live elsewhere (see JobQueueBuilder.BindJobs).
    private readonly IConfiguration? _jobsSection;

    // Contracts of arguments types with no handler here, built once per type (the attribute reads are reflection).
    private readonly ConcurrentDictionary<Type, JobContract> _unregistered = new();

    public JobFactory(JobRegistry registry, JobQueueOptions options, IConfiguration? jobsSection = null)
    {
        _jobsSection = jobsSection;
        _registry = registry;
        _serializerOptions = options.SerializerOptions;
        _maxArgumentsSize = options.MaxArgumentsSize;
    }

    /// <summary>
    /// The name and options a job of <typeparamref name="TArgs"/> is enqueued with: its registered handler's, else
    /// those its arguments type declares, so a process can enqueue jobs that another process runs.
    /// </summary>
    /// <exception cref="ArgumentException">The type cannot be a job's arguments, or its [JobDefaults] or its Jobs:&lt;name&gt; section are not valid.</exception>
    /// <exception cref="InvalidOperationException">The type has no handler here, and its job name is another registered type's.</exception>
    public JobContract Contract<TArgs>()
        => _registry.TryGet(typeof(TArgs), out JobRegistration? registration) ? registration.Contract : _unregistered.GetOrAdd(typeof(TArgs), Unregistered);

    private JobContract Unregistered(Type argsType)
    {
        JobContract contract = JobContract.Of(argsType);
        if (_registry.TryGet(contract.Name, out JobRegistration? holder))
        {
            // A worker here would deserialize such a job into the other type: refused before anything is written.
            throw new InvalidOperationException(
                $"Job name '{contract.Name}' of {argsType.FullName} is the name of {holder.ArgsType.FullName}, whose handler {holder.JobType.FullName} " +
                "is registered here; jobs of one name must have one arguments type. Give one of them another [JobName(\"...\")].");
        }

        if (_jobsSection?.GetSection(contract.Name) is { } section && section.Exists())
        {
            // Configuration over the attribute, as for a registered job; its problems are named by their keys.
            var failures = new List<string>();
            OptionsBinding.Bind(contract.Options, section, [], [], failures);
            if (failures.Count > 0)
            {
                throw new ArgumentException(string.Join(" ", failures));
            }

            OptionsValidator.ThrowFirst(OptionsValidator.Problems(contract.Options, JobQueueOptionsValidator.NameOf(section, $"[JobDefaults] on {argsType.FullName}")));
        }

        return contract;
    }

    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static void Validate(EnqueueOptions? options)
    {
        if (options is null)
        {
            return;
        }

        if (options.Delay is not null && options.RunAt is not null)
        {
            throw new ArgumentException("EnqueueOptions.Delay and EnqueueOptions.RunAt are both set; set at most one of them.", nameof(options));
        }

        if (options.Delay is { } delay && TimerLimit.Problem(delay, allowZero: true) is { } delayProblem)
        {
            throw new ArgumentException($"EnqueueOptions.Delay is {delay}; {delayProblem}. For a later start set RunAt instead.", nameof(options));
        }

        if (options.MaxAttempts < 1)
        {
            throw new ArgumentException($"EnqueueOptions.MaxAttempts is {options.MaxAttempts}; it must be at least 1.", nameof(options));
        }

        if (options.Timeout is { } timeout && TimerLimit.Problem(timeout, allowZero: false) is { } timeoutProblem)
        {
            throw new ArgumentException($"EnqueueOptions.Timeout is {timeout}; {timeoutProblem}.", nameof(options));
        }

        if (options.RetryDelay is { } retryDelay && TimerLimit.Problem(retryDelay, allowZero: true) is { } retryProblem)
        {
            throw new ArgumentException($"EnqueueOptions.RetryDelay is {retryDelay}; {retryProblem}.", nameof(options));
        }

        if (options.Queue is not null && string.IsNullOrWhiteSpace(options.Queue))
        {
            throw new ArgumentException("EnqueueOptions.Queue is empty; leave it null for the job type's queue, or name one.", nameof(options));
        }

        if (options.IdempotencyKey is not null && string.IsNullOrWhiteSpace(options.IdempotencyKey))
        {
            throw new ArgumentException("EnqueueOptions.IdempotencyKey is empty; leave it null or give a key.", nameof(options));
        }

        ValidateUnique(options);
        if (options.LimitKey is not null && string.IsNullOrWhiteSpace(options.LimitKey))
        {
            throw new ArgumentException("EnqueueOptions.LimitKey is empty; leave it null for no per-key limit, or give a key such as a customer id.", nameof(options));
        }
    }

    private static void ValidateUnique(EnqueueOptions options)
    {
        if (!Enum.IsDefined(options.IdempotencyScope))
        {
            throw new ArgumentException($"EnqueueOptions.IdempotencyScope is {options.IdempotencyScope}, which is no IdempotencyScope value.", nameof(options));
        }

        if (!Enum.IsDefined(options.OnConflict))
        {
            throw new ArgumentException($"EnqueueOptions.OnConflict is {options.OnConflict}, which is no IdempotencyConflict value.", nameof(options));
        }

        if (options.IdempotencyKey is null
            && (options.IdempotencyScope != IdempotencyScope.UntilSucceeded || options.IdempotencyPeriod is not null || options.OnConflict != IdempotencyConflict.ReturnExisting))
        {
            throw new ArgumentException(
                "EnqueueOptions.IdempotencyScope, IdempotencyPeriod and OnConflict apply to an idempotency key, and IdempotencyKey is not set; set it, or leave them at their defaults.",
                nameof(options));
        }

        if (options.IdempotencyScope == IdempotencyScope.ForPeriod)
        {
            if (options.IdempotencyPeriod is not TimeSpan period || period <= TimeSpan.Zero || period > MaxIdempotencyPeriod)
            {
                throw new ArgumentException(
                    $"EnqueueOptions.IdempotencyScope is ForPeriod and IdempotencyPeriod is {(options.IdempotencyPeriod?.ToString() ?? "not set")}; it must be positive and at most {MaxIdempotencyPeriod.TotalDays:0} days.",
                    nameof(options));
            }
        }
        else if (options.IdempotencyPeriod is not null)
        {
            throw new ArgumentException(
                $"EnqueueOptions.IdempotencyPeriod is set but IdempotencyScope is {options.IdempotencyScope}; the period applies only with IdempotencyScope.ForPeriod.",
                nameof(options));
        }
    }

    /// <summary>The longest <see cref="EnqueueOptions.IdempotencyPeriod"/>.</summary>
    public static readonly TimeSpan MaxIdempotencyPeriod = TimeSpan.FromDays(366);

    /// <exception cref="ArgumentException">The serialized arguments are larger than <see cref="JobQueueOptions.MaxArgumentsSize"/>.</exception>
    public NewJob Create<TArgs>(JobContract contract, TArgs args, EnqueueOptions? options, DateTimeOffset now,
        BatchId? batchId = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (batchId is not null && options?.OnConflict == IdempotencyConflict.Replace)
        {
            throw new ArgumentException(
                "EnqueueOptions.OnConflict is Replace for a job of a batch; a batch's jobs cannot replace another job's arguments. Use ReturnExisting, or enqueue the job outside the batch.",
                nameof(options));
        }

        JobOptions defaults = contract.Options;
        DateTimeOffset runAt = options?.RunAt ?? (options?.Delay is { } delay ? now + delay : now);
        byte[] arguments = JsonSerializer.SerializeToUtf8Bytes(args, _serializerOptions);

        // Checked here, where every enqueue path (single, many, batch children and callbacks, EnqueueIntoBatchAsync)
        // builds its jobs before any write, so a refused argument leaves nothing written.
        if (arguments.Length > _maxArgumentsSize)
        {
            throw new ArgumentException(
                $"The arguments of job '{contract.Name}' are {arguments.Length} bytes of JSON, over JobQueueOptions.MaxArgumentsSize " +
                $"({_maxArgumentsSize} bytes); nothing was enqueued. Keep large data elsewhere (a blob store or a table) and pass its key, " +
                "or raise MaxArgumentsSize.",
                nameof(args));
        }

        return new NewJob
        {
            Id = JobId.New(),
            Name = contract.Name,
            Queue = options?.Queue ?? defaults.Queue,
            Priority = options?.Priority ?? defaults.Priority,
            Arguments = arguments,
            MaxAttempts = options?.MaxAttempts ?? defaults.MaxAttempts,
            Timeout = options?.Timeout ?? defaults.Timeout,
            RetryDelay = options?.RetryDelay ?? defaults.RetryDelay,
            RunAt = runAt,
            IdempotencyKey = options?.IdempotencyKey,
            IdempotencyScope = options?.IdempotencyScope ?? IdempotencyScope.UntilSucceeded,
            IdempotencyUntil = options?.IdempotencyScope == IdempotencyScope.ForPeriod ? now + options.IdempotencyPeriod!.Value : null,
            ReplaceOnConflict = options?.OnConflict == IdempotencyConflict.Replace,
            LimitKey = options?.LimitKey,
            BatchId = batchId,
            TraceParent = Activity.Current?.Id,
        };
    }
}

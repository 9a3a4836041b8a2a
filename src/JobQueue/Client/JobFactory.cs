using System.Diagnostics;
using System.Text.Json;
using JobQueue.Registration;
using JobQueue.Storage;

namespace JobQueue.Client;

/// <summary>Turns arguments and options into <see cref="NewJob"/> records: resolves every default and validates the options.</summary>
internal sealed class JobFactory
{
    private readonly JobRegistry _registry;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly int? _maxArgumentsSize;

    public JobFactory(JobRegistry registry, JobQueueOptions options)
    {
        _registry = registry;
        _serializerOptions = options.SerializerOptions;
        _maxArgumentsSize = options.MaxArgumentsSize;
    }

    public JobRegistration Registration<TArgs>() => _registry.Get(typeof(TArgs));

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
    }

    /// <exception cref="ArgumentException">The serialized arguments are larger than <see cref="JobQueueOptions.MaxArgumentsSize"/>.</exception>
    public NewJob Create<TArgs>(JobRegistration registration, TArgs args, EnqueueOptions? options, DateTimeOffset now,
        BatchId? batchId = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        JobOptions defaults = registration.Options;
        DateTimeOffset runAt = options?.RunAt ?? (options?.Delay is { } delay ? now + delay : now);
        byte[] arguments = JsonSerializer.SerializeToUtf8Bytes(args, _serializerOptions);

        // Checked here, where every enqueue path (single, many, batch children and callbacks, EnqueueIntoBatchAsync)
        // builds its jobs before any write, so a refused argument leaves nothing written.
        if (arguments.Length > _maxArgumentsSize)
        {
            throw new ArgumentException(
                $"The arguments of job '{registration.Name}' are {arguments.Length} bytes of JSON, over JobQueueOptions.MaxArgumentsSize " +
                $"({_maxArgumentsSize} bytes); nothing was enqueued. Keep large data elsewhere (a blob store or a table) and pass its key, " +
                "or raise MaxArgumentsSize.",
                nameof(args));
        }

        return new NewJob
        {
            Id = JobId.New(),
            Name = registration.Name,
            Queue = options?.Queue ?? defaults.Queue,
            Priority = options?.Priority ?? defaults.Priority,
            Arguments = arguments,
            MaxAttempts = options?.MaxAttempts ?? defaults.MaxAttempts,
            Timeout = options?.Timeout ?? defaults.Timeout,
            RetryDelay = options?.RetryDelay ?? defaults.RetryDelay,
            RunAt = runAt,
            IdempotencyKey = options?.IdempotencyKey,
            BatchId = batchId,
            TraceParent = Activity.Current?.Id,
        };
    }
}

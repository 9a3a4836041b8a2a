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

    public JobFactory(JobRegistry registry, JobQueueOptions options)
    {
        _registry = registry;
        _serializerOptions = options.SerializerOptions;
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

        if (options.Delay < TimeSpan.Zero)
        {
            throw new ArgumentException($"EnqueueOptions.Delay is {options.Delay}; it cannot be negative.", nameof(options));
        }

        if (options.MaxAttempts < 1)
        {
            throw new ArgumentException($"EnqueueOptions.MaxAttempts is {options.MaxAttempts}; it must be at least 1.", nameof(options));
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"EnqueueOptions.Timeout is {options.Timeout}; it must be positive.", nameof(options));
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"EnqueueOptions.RetryDelay is {options.RetryDelay}; it cannot be negative.", nameof(options));
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

    public NewJob Create<TArgs>(JobRegistration registration, TArgs args, EnqueueOptions? options, DateTimeOffset now,
        BatchId? batchId = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        JobOptions defaults = registration.Options;
        DateTimeOffset runAt = options?.RunAt ?? (options?.Delay is { } delay ? now + delay : now);
        return new NewJob
        {
            Id = JobId.New(),
            Name = registration.Name,
            Queue = options?.Queue ?? defaults.Queue,
            Priority = options?.Priority ?? defaults.Priority,
            Arguments = JsonSerializer.SerializeToUtf8Bytes(args, _serializerOptions),
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

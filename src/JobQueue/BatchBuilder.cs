using JobQueue.Client;
using JobQueue.Storage;

namespace JobQueue;

/// <summary>
/// Describes a batch inside <see cref="IJobClient.StartBatchAsync"/>: its children and its callbacks. Nothing
/// is written until the builder callback returns; then everything is written in one atomic store operation.
/// </summary>
public sealed class BatchBuilder
{
    private readonly JobFactory _factory;
    private readonly DateTimeOffset _now;
    private readonly List<NewJob> _children = [];

    internal BatchBuilder(JobFactory factory, BatchId id, DateTimeOffset now)
    {
        _factory = factory;
        _now = now;
        Id = id;
    }

    /// <summary>The id the batch will have.</summary>
    public BatchId Id { get; }

    /// <summary>What the batch does when a child fails for good or is cancelled.</summary>
    /// <value>Defaults to <see cref="BatchFailurePolicy.Continue"/>.</value>
    public BatchFailurePolicy FailurePolicy { get; set; }

    internal IReadOnlyList<NewJob> Children => _children;

    internal NewJob? SuccessCallback { get; private set; }

    internal NewJob? FailureCallback { get; private set; }

    /// <summary>Adds a child job and returns the id it will have.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="args"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The options are invalid, or the serialized arguments are larger than <see cref="JobQueueOptions.MaxArgumentsSize"/>.
    /// </exception>
    /// <exception cref="InvalidOperationException"><typeparamref name="TArgs"/> has no handler here, and its job name is another registered arguments type's.</exception>
    public JobId Enqueue<TArgs>(TArgs args, EnqueueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        JobFactory.Validate(options);
        NewJob job = _factory.Create(_factory.Contract<TArgs>(), args, options, _now, Id);
        _children.Add(job);
        return job.Id;
    }

    /// <summary>Sets the job that runs once, after every child succeeded (including children added while the batch ran).</summary>
    /// <exception cref="InvalidOperationException">A success callback is set already, or <typeparamref name="TArgs"/> has no handler here and its job name is another registered arguments type's.</exception>
    public JobId OnSuccess<TArgs>(TArgs args, EnqueueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (SuccessCallback is not null)
        {
            throw new InvalidOperationException("OnSuccess was called twice for one batch; a batch has at most one success callback.");
        }

        SuccessCallback = CreateCallback(args, options);
        return SuccessCallback.Id;
    }

    /// <summary>Sets the job that runs once, when the first child fails for good or is cancelled.</summary>
    /// <exception cref="InvalidOperationException">A failure callback is set already, or <typeparamref name="TArgs"/> has no handler here and its job name is another registered arguments type's.</exception>
    public JobId OnFailure<TArgs>(TArgs args, EnqueueOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (FailureCallback is not null)
        {
            throw new InvalidOperationException("OnFailure was called twice for one batch; a batch has at most one failure callback.");
        }

        FailureCallback = CreateCallback(args, options);
        return FailureCallback.Id;
    }

    private NewJob CreateCallback<TArgs>(TArgs args, EnqueueOptions? options)
    {
        JobFactory.Validate(options);
        if (options?.Delay is not null || options?.RunAt is not null)
        {
            throw new ArgumentException("A batch callback runs when its batch finishes; Delay and RunAt do not apply to it.", nameof(options));
        }

        return _factory.Create(_factory.Contract<TArgs>(), args, options, _now, Id);
    }
}

namespace JobQueue.Testing;

/// <summary>A job the harness found in the store, with its arguments read back as <typeparamref name="TArgs"/>.</summary>
/// <typeparam name="TArgs">The job's arguments type.</typeparam>
public sealed class EnqueuedJob<TArgs>
{
    internal EnqueuedJob(TArgs args, JobInfo info)
    {
        Args = args;
        Info = info;
    }

    /// <summary>The arguments the job was enqueued with, as the handler will receive them (through JSON).</summary>
    public TArgs Args { get; }

    /// <summary>The job's status: id, queue, state, run time, batch, attempts.</summary>
    public JobInfo Info { get; }

    /// <inheritdoc />
    public override string ToString() => JobDescriptions.Describe(Info);
}

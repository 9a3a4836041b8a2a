namespace JobQueue;

/// <summary>
/// A job handler for one arguments type. Register it with <c>AddJob&lt;TJob&gt;()</c>; a new instance is
/// resolved from a fresh dependency-injection scope for every execution.
/// </summary>
/// <typeparam name="TArgs">The job's arguments: a record that System.Text.Json can serialize.</typeparam>
public interface IJob<in TArgs>
{
    /// <summary>Runs the job once. Throwing fails this attempt; the job is retried until its attempts run out.</summary>
    /// <param name="args">The deserialized arguments the job was enqueued with.</param>
    /// <param name="context">The running job: its id, attempt, batch, progress reporting and a client.</param>
    /// <param name="cancellationToken">
    /// Fires at the job's timeout, when the job is cancelled, or when the host shuts down. A handler that
    /// ignores it is abandoned after a short grace and its attempt fails with a timeout error.
    /// </param>
    Task ExecuteAsync(TArgs args, JobContext context, CancellationToken cancellationToken);
}

/// <summary>
/// A job handler that produces a result. The result is serialized to JSON, stored with the job and can be
/// read by job id through <see cref="IJobClient.GetAsync"/> as <see cref="JobInfo.Result"/>.
/// </summary>
/// <typeparam name="TArgs">The job's arguments: a record that System.Text.Json can serialize.</typeparam>
/// <typeparam name="TResult">The job's result: a type that System.Text.Json can serialize.</typeparam>
public interface IJob<in TArgs, TResult>
{
    /// <summary>Runs the job once and returns its result. Throwing fails this attempt.</summary>
    /// <param name="args">The deserialized arguments the job was enqueued with.</param>
    /// <param name="context">The running job: its id, attempt, batch, progress reporting and a client.</param>
    /// <param name="cancellationToken">Fires at the job's timeout, when the job is cancelled, or at shutdown.</param>
    Task<TResult> ExecuteAsync(TArgs args, JobContext context, CancellationToken cancellationToken);
}

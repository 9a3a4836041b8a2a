using JobQueue.Storage;

namespace JobQueue.TestSupport;

// Recurring jobs, forwarded.
public abstract partial class DelegatingStorage
{
    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<RecurringUpsertOutcome>> UpsertRecurringJobsAsync(RecurringUpsertRequest request, CancellationToken cancellationToken) => inner.UpsertRecurringJobsAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> RemoveRecurringJobAsync(string id, CancellationToken cancellationToken) => inner.RemoveRecurringJobAsync(id, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> SetRecurringJobPausedAsync(RecurringPauseRequest request, CancellationToken cancellationToken) => inner.SetRecurringJobPausedAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<StoredRecurringJob>> GetRecurringJobsAsync(RecurringJobQuery query, CancellationToken cancellationToken) => inner.GetRecurringJobsAsync(query, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<RecurringDueJobs> GetDueRecurringJobsAsync(RecurringDueRequest request, CancellationToken cancellationToken) => inner.GetDueRecurringJobsAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<RecurringClaimOutcome>> ClaimRecurringOccurrencesAsync(RecurringClaimRequest request, CancellationToken cancellationToken) => inner.ClaimRecurringOccurrencesAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<bool> TriggerRecurringJobAsync(RecurringTriggerRequest request, CancellationToken cancellationToken) => inner.TriggerRecurringJobAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<bool>> DeclareRecurringJobsAsync(RecurringDeclareRequest request, CancellationToken cancellationToken) => inner.DeclareRecurringJobsAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<IReadOnlyList<string>> PruneRecurringJobsAsync(RecurringPruneRequest request, CancellationToken cancellationToken) => inner.PruneRecurringJobsAsync(request, cancellationToken);
}

namespace JobQueue.Sqlite.Storage;

// Job changes: a transaction's storage has no signal (ChangeSignal is false); completing at once is a valid spurious completion.
internal sealed partial class SqliteTransactionStorage
{
    public ValueTask WaitForChangeAsync(JobId id, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

// Flow control inside the application's transaction: the same statements as the store's own (SqliteJobWriter.Flow).
internal sealed partial class SqliteTransactionStorage
{
    public async ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await Write(writer => writer.Hold(request), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Read(reader => reader.GetFlowState(request), cancellationToken);
    }
}

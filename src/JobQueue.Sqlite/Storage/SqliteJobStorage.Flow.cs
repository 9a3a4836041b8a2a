using JobQueue.Storage;

namespace JobQueue.Sqlite.Storage;

// Flow control: holds and the flow state. FetchAsync applies the limits and holds (SqliteJobWriter.Flow).
internal sealed partial class SqliteJobStorage
{
    public async ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await WriteAsync(writer => writer.Hold(request), cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ReadAsync(reader => reader.GetFlowState(request), cancellationToken);
    }
}

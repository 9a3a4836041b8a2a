using JobQueue.Storage;

namespace JobQueue.InMemory;

// Flow control: placeholder, replaced by the lead's implementation.
internal sealed partial class InMemoryJobStorage
{
    public ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken)
        => throw new NotImplementedException("Flow control is not implemented by this store yet.");

    public ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken)
        => throw new NotImplementedException("Flow control is not implemented by this store yet.");
}

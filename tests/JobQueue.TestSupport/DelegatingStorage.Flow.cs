using JobQueue.Storage;

namespace JobQueue.TestSupport;

public abstract partial class DelegatingStorage
{
    /// <inheritdoc />
    public virtual ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken) => inner.HoldAsync(request, cancellationToken);

    /// <inheritdoc />
    public virtual ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken) => inner.GetFlowStateAsync(request, cancellationToken);
}

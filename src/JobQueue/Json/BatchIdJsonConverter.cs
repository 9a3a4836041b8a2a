namespace JobQueue.Json;

/// <summary>A <see cref="BatchId"/> as its plain string in JSON (see <see cref="GuidIdJsonConverter{TId}"/>).</summary>
internal sealed class BatchIdJsonConverter : GuidIdJsonConverter<BatchId>
{
    protected override string Noun => "batch id";

    protected override BatchId Create(Guid value) => new(value);

    protected override Guid ValueOf(BatchId id) => id.Value;
}

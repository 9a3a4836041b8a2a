namespace JobQueue.Json;

/// <summary>A <see cref="JobId"/> as its plain string in JSON (see <see cref="GuidIdJsonConverter{TId}"/>).</summary>
internal sealed class JobIdJsonConverter : GuidIdJsonConverter<JobId>
{
    protected override string Noun => "job id";

    protected override JobId Create(Guid value) => new(value);

    protected override Guid ValueOf(JobId id) => id.Value;
}

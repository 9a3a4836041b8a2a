using JobQueue.Storage;

namespace JobQueue.InMemory;

/// <summary>A recurring job in the in-memory store; changed only under the store's lock.</summary>
internal sealed class InMemoryRecurringJob
{
    public InMemoryRecurringJob(RecurringJobDefinition definition, DateTimeOffset now)
    {
        Definition = definition;
        NextRunAt = definition.NextRunAt;
        Version = 1;
        CreatedAt = now;
        UpdatedAt = now;
    }

    public RecurringJobDefinition Definition { get; set; }

    public bool Paused { get; set; }

    public DateTimeOffset NextRunAt { get; set; }

    public long Version { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    public JobId? LastJobId { get; set; }

    public DateTimeOffset? LastSkippedAt { get; set; }

    public DateTimeOffset? DeclaredAt { get; set; }

    public DateTimeOffset CreatedAt { get; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Whether <paramref name="other"/> defines the same schedule (its next run time aside).</summary>
    public bool SameDefinition(RecurringJobDefinition other)
    {
        RecurringJobDefinition d = Definition;
        return string.Equals(d.Name, other.Name, StringComparison.Ordinal)
            && string.Equals(d.Cron, other.Cron, StringComparison.Ordinal)
            && string.Equals(d.TimeZone, other.TimeZone, StringComparison.Ordinal)
            && d.Arguments.AsSpan().SequenceEqual(other.Arguments)
            && string.Equals(d.Queue, other.Queue, StringComparison.Ordinal)
            && d.Priority == other.Priority
            && d.Misfire == other.Misfire
            && d.MaxCatchUp == other.MaxCatchUp
            && d.Overlap == other.Overlap;
    }

    public StoredRecurringJob ToStored() => new()
    {
        Id = Definition.Id,
        Name = Definition.Name,
        Cron = Definition.Cron,
        TimeZone = Definition.TimeZone,
        Arguments = Definition.Arguments,
        Queue = Definition.Queue,
        Priority = Definition.Priority,
        Misfire = Definition.Misfire,
        MaxCatchUp = Definition.MaxCatchUp,
        Overlap = Definition.Overlap,
        Paused = Paused,
        NextRunAt = NextRunAt,
        Version = Version,
        LastRunAt = LastRunAt,
        LastJobId = LastJobId,
        LastSkippedAt = LastSkippedAt,
        DeclaredAt = DeclaredAt,
        CreatedAt = CreatedAt,
        UpdatedAt = UpdatedAt,
    };
}

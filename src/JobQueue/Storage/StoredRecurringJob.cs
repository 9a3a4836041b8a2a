namespace JobQueue.Storage;

/// <summary>A recurring job as the store holds it.</summary>
public sealed record StoredRecurringJob
{
    /// <summary>The schedule's id.</summary>
    public required string Id { get; init; }

    /// <summary>The stable name of the job each occurrence runs.</summary>
    public required string Name { get; init; }

    /// <summary>The cron expression as written; it may not parse (the engine reports that, per schedule).</summary>
    public required string Cron { get; init; }

    /// <summary>The time zone id as written.</summary>
    public required string TimeZone { get; init; }

    /// <summary>The arguments of every occurrence, as written.</summary>
    public required byte[] Arguments { get; init; }

    /// <summary>The occurrences' queue; null for the job type's.</summary>
    public string? Queue { get; init; }

    /// <summary>The occurrences' priority; null for the job type's.</summary>
    public int? Priority { get; init; }

    /// <summary>The misfire policy as stored (a value outside the enum is the engine's to handle).</summary>
    public MisfirePolicy Misfire { get; init; }

    /// <summary>The most missed occurrences enqueued at once with <see cref="MisfirePolicy.RunAll"/>.</summary>
    public int MaxCatchUp { get; init; }

    /// <summary>The overlap policy as stored.</summary>
    public OverlapPolicy Overlap { get; init; }

    /// <summary>True while paused.</summary>
    public bool Paused { get; init; }

    /// <summary>The next occurrence to enqueue: the key a claim compares and moves.</summary>
    public required DateTimeOffset NextRunAt { get; init; }

    /// <summary>Increases with every change of the definition or of the paused state; a claim names the version it read.</summary>
    public required long Version { get; init; }

    /// <summary>The run time of the last job enqueued for the schedule.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The last job enqueued for the schedule.</summary>
    public JobId? LastJobId { get; init; }

    /// <summary>The last occurrence skipped (overlap) or dropped (misfire).</summary>
    public DateTimeOffset? LastSkippedAt { get; init; }

    /// <summary>When a host last declared the schedule in code; null for a schedule managed at run time.</summary>
    public DateTimeOffset? DeclaredAt { get; init; }

    /// <summary>When the schedule was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the definition or the paused state last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

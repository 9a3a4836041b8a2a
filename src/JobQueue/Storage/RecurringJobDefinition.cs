namespace JobQueue.Storage;

/// <summary>A recurring job's definition, as <see cref="IJobStorage.UpsertRecurringJobsAsync"/> writes it. The engine has validated it.</summary>
public sealed record RecurringJobDefinition
{
    /// <summary>The schedule's id, unique in the store.</summary>
    public required string Id { get; init; }

    /// <summary>The stable name of the job each occurrence runs.</summary>
    public required string Name { get; init; }

    /// <summary>The cron expression, as given; the store keeps it as text and never reads it.</summary>
    public required string Cron { get; init; }

    /// <summary>The time zone id, as given.</summary>
    public required string TimeZone { get; init; }

    /// <summary>The arguments of every occurrence, as UTF-8 JSON.</summary>
    public required byte[] Arguments { get; init; }

    /// <summary>The occurrences' queue; null for the job type's.</summary>
    public string? Queue { get; init; }

    /// <summary>The occurrences' priority; null for the job type's.</summary>
    public int? Priority { get; init; }

    /// <summary>The misfire policy.</summary>
    public MisfirePolicy Misfire { get; init; } = MisfirePolicy.RunOnce;

    /// <summary>The most missed occurrences enqueued at once with <see cref="MisfirePolicy.RunAll"/>.</summary>
    public int MaxCatchUp { get; init; } = RecurringJobOptions.DefaultMaxCatchUp;

    /// <summary>The overlap policy.</summary>
    public OverlapPolicy Overlap { get; init; }

    /// <summary>
    /// The first occurrence after the request's now, computed by the engine: the next run time of a new schedule, and of
    /// an existing one whose <see cref="Cron"/> or <see cref="TimeZone"/> this definition changes. Otherwise unused.
    /// </summary>
    public required DateTimeOffset NextRunAt { get; init; }
}

namespace JobQueue.Recurring;

/// <summary>The fixed intervals of the scheduler's bookkeeping.</summary>
internal static class RecurringTiming
{
    /// <summary>How often a running host renews its declarations, and looks for schedules no host declares.</summary>
    public static readonly TimeSpan DeclarationInterval = TimeSpan.FromMinutes(1);

    /// <summary>A schedule declared within this long is declared by a running host; five renewals may be missed by a host under load.</summary>
    public static readonly TimeSpan DeclaredWindow = TimeSpan.FromMinutes(5);

    /// <summary>The shortest retention of undeclared schedules: well past <see cref="DeclaredWindow"/>, so a live host's schedule is never pruned.</summary>
    public static readonly TimeSpan MinUndeclaredRetention = TimeSpan.FromMinutes(10);

    /// <summary>How many due schedules one store read returns.</summary>
    public const int DuePageSize = 100;

    /// <summary>How many upcoming occurrences a listing shows.</summary>
    public const int UpcomingCount = 5;
}

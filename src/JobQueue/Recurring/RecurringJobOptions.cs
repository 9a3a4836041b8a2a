namespace JobQueue;

/// <summary>
/// Settings of one recurring job, given to <c>AddRecurringJob(id, cron, args, r =&gt; ...)</c> or to
/// <see cref="IRecurringJobs.AddOrUpdateAsync{TArgs}"/>.
/// </summary>
public sealed class RecurringJobOptions
{
    /// <summary>The default of <see cref="TimeZone"/>: "UTC".</summary>
    public const string DefaultTimeZone = "UTC";

    /// <summary>The default of <see cref="MaxCatchUp"/>: 100.</summary>
    public const int DefaultMaxCatchUp = 100;

    /// <summary>The largest <see cref="MaxCatchUp"/> accepted: 1,000.</summary>
    public const int MaxCatchUpLimit = 1000;

    /// <summary>
    /// The time zone the cron expression is read in: an IANA id such as "Europe/Berlin", or a Windows id such as
    /// "W. Europe Standard Time". Daylight saving time follows the zone's rules: a local time skipped in spring runs at
    /// the next valid time; when clocks fall back, a fixed-time expression runs once and an interval expression
    /// (a <c>*</c>, range or step in its second, minute or hour field) runs in both copies of the repeated hour.
    /// </summary>
    /// <value>Defaults to <see cref="DefaultTimeZone"/>, "UTC". An id this machine does not know fails at registration.</value>
    public string TimeZone { get; set; } = DefaultTimeZone;

    /// <summary>The queue the occurrences run in; null for the job type's queue.</summary>
    /// <value>Defaults to null.</value>
    public string? Queue { get; set; }

    /// <summary>The occurrences' priority within their queue; null for the job type's priority.</summary>
    /// <value>Defaults to null.</value>
    public int? Priority { get; set; }

    /// <summary>What happens to occurrences missed while no host could enqueue them.</summary>
    /// <value>Defaults to <see cref="MisfirePolicy.RunOnce"/>.</value>
    public MisfirePolicy Misfire { get; set; } = MisfirePolicy.RunOnce;

    /// <summary>With <see cref="MisfirePolicy.RunAll"/>, the most missed occurrences enqueued at once: the latest ones.</summary>
    /// <value>Defaults to <see cref="DefaultMaxCatchUp"/> (100). From 1 to <see cref="MaxCatchUpLimit"/> (1,000).</value>
    public int MaxCatchUp { get; set; } = DefaultMaxCatchUp;

    /// <summary>Whether an occurrence is enqueued while the previous occurrence's job has not finished.</summary>
    /// <value>Defaults to <see cref="OverlapPolicy.Allow"/>.</value>
    public OverlapPolicy Overlap { get; set; } = OverlapPolicy.Allow;
}

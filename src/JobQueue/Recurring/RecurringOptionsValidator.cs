using JobQueue.Binding;

namespace JobQueue.Recurring;

/// <summary>Checks recurring options, so a bad setting fails where it is given, with its name and value.</summary>
internal static class RecurringOptionsValidator
{
    // Retention becomes "now - retention" on every prune: past this, it would leave the calendar.
    private static readonly TimeSpan s_maxSpan = TimeSpan.FromDays(36_500);

    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public static void Validate(RecurringJobOptions options, string context)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Queue is not null && string.IsNullOrWhiteSpace(options.Queue))
        {
            throw new ArgumentException($"{context}: RecurringJobOptions.Queue is empty; leave it null for the job type's queue, or name one.");
        }

        if (!Enum.IsDefined(options.Misfire))
        {
            throw new ArgumentException($"{context}: RecurringJobOptions.Misfire is {(int)options.Misfire}; use MisfirePolicy.Skip, RunOnce or RunAll.");
        }

        if (!Enum.IsDefined(options.Overlap))
        {
            throw new ArgumentException($"{context}: RecurringJobOptions.Overlap is {(int)options.Overlap}; use OverlapPolicy.Allow or Skip.");
        }

        if (options.MaxCatchUp is < 1 or > RecurringJobOptions.MaxCatchUpLimit)
        {
            throw new ArgumentException(
                $"{context}: RecurringJobOptions.MaxCatchUp is {options.MaxCatchUp}; it must be from 1 to {RecurringJobOptions.MaxCatchUpLimit} (default {RecurringJobOptions.DefaultMaxCatchUp}).");
        }
    }

    /// <summary>The rules of <see cref="JobQueueOptions"/>' recurring settings; <paramref name="nameOf"/> names an option in messages.</summary>
    public static IEnumerable<OptionProblem> Problems(JobQueueOptions options, Func<string, string> nameOf)
    {
        if (options.RecurringMisfireThreshold <= TimeSpan.Zero || options.RecurringMisfireThreshold > s_maxSpan)
        {
            yield return new(nameof(options.RecurringMisfireThreshold),
                $"{nameOf(nameof(options.RecurringMisfireThreshold))} is {options.RecurringMisfireThreshold}; it must be positive and at most {s_maxSpan.TotalDays:0} days (default 1 minute).");
        }

        if (options.UndeclaredRecurringJobRetention is { } retention
            && (retention < RecurringTiming.MinUndeclaredRetention || retention > s_maxSpan))
        {
            yield return new(nameof(options.UndeclaredRecurringJobRetention),
                $"{nameOf(nameof(options.UndeclaredRecurringJobRetention))} is {retention}; it must be from {RecurringTiming.MinUndeclaredRetention.TotalMinutes:0} minutes " +
                $"(running hosts renew their declarations every {RecurringTiming.DeclarationInterval.TotalMinutes:0} minute) to {s_maxSpan.TotalDays:0} days, " +
                "or null to keep schedules no host declares until RemoveAsync (default 7 days).");
        }
    }
}

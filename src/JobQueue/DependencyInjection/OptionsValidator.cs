using JobQueue.Binding;

namespace JobQueue;

/// <summary>
/// The rules of the core options, written once. Code-given values are checked when AddJobQueue runs and fail there
/// with the option's name (<c>JobQueueOptions.LeaseDuration</c>); values from configuration are checked by
/// <see cref="JobQueueOptionsValidator"/> when the host starts, named by their key (<c>JobQueue:LeaseDuration</c>).
/// </summary>
internal static class OptionsValidator
{
    // Retention becomes "now - Retention" on every prune: a span past this would leave the calendar and fail each
    // prune instead of failing once at startup. A century is far beyond any job history anyone keeps.
    private static readonly TimeSpan s_maxRetention = TimeSpan.FromDays(36_500);

    public static void Validate(Type jobType, JobOptions options)
        => ThrowFirst(Problems(options, option => $"AddJob<{jobType.Name}>: JobOptions.{option}"));

    public static void Validate(QueueOptions options)
        => ThrowFirst(Problems(options, option => $"AddQueue(\"{options.Name}\"): QueueOptions.{option}"));

    public static void Validate(JobQueueOptions options)
        => ThrowFirst(Problems(options, option => $"JobQueueOptions.{option}"));

    /// <summary>Throws the first problem as an <see cref="ArgumentException"/>, as the code path always has.</summary>
    public static void ThrowFirst(IEnumerable<OptionProblem> problems)
    {
        foreach (OptionProblem problem in problems)
        {
            throw new ArgumentException(problem.Message);
        }
    }

    public static IEnumerable<OptionProblem> Problems(JobOptions options, Func<string, string> nameOf)
    {
        if (string.IsNullOrWhiteSpace(options.Queue))
        {
            yield return new(nameof(options.Queue),
                $"{nameOf(nameof(options.Queue))} is empty; name a queue, or leave the default \"{JobQueueOptions.DefaultQueueName}\".");
        }

        if (Timer(options.Timeout, nameof(options.Timeout), nameOf, allowZero: false) is { } timeout)
        {
            yield return timeout;
        }

        if (options.MaxAttempts < 1)
        {
            yield return new(nameof(options.MaxAttempts),
                $"{nameOf(nameof(options.MaxAttempts))} is {options.MaxAttempts}; it must be at least 1 (1 means no retry).");
        }

        if (Timer(options.RetryDelay, nameof(options.RetryDelay), nameOf, allowZero: true) is { } retryDelay)
        {
            yield return retryDelay;
        }

        if (AtLeastOne(options.ConcurrencyPerKey, nameof(options.ConcurrencyPerKey), nameOf) is { } perKey)
        {
            yield return perKey;
        }
    }

    public static IEnumerable<OptionProblem> Problems(QueueOptions options, Func<string, string> nameOf)
    {
        if (options.Concurrency < 1)
        {
            yield return new(nameof(options.Concurrency),
                $"{nameOf(nameof(options.Concurrency))} is {options.Concurrency}; it must be at least 1.");
        }

        if (AtLeastOne(options.GlobalConcurrency, nameof(options.GlobalConcurrency), nameOf) is { } global)
        {
            yield return global;
        }

        if (AtLeastOne(options.ConcurrencyPerKey, nameof(options.ConcurrencyPerKey), nameOf) is { } perKey)
        {
            yield return perKey;
        }
    }

    private static OptionProblem? AtLeastOne(int? value, string option, Func<string, string> nameOf)
        => value is < 1 ? new(option, $"{nameOf(option)} is {value}; it must be at least 1, or null for no limit.") : null;

    public static IEnumerable<OptionProblem> Problems(JobQueueOptions options, Func<string, string> nameOf)
    {
        if (options.DefaultConcurrency < 1)
        {
            yield return new(nameof(options.DefaultConcurrency),
                $"{nameOf(nameof(options.DefaultConcurrency))} is {options.DefaultConcurrency}; it must be at least 1.");
        }

        if (options.FetchBatchSize < 1)
        {
            yield return new(nameof(options.FetchBatchSize),
                $"{nameOf(nameof(options.FetchBatchSize))} is {options.FetchBatchSize}; it must be at least 1.");
        }

        OptionProblem?[] timers =
        [
            Timer(options.LeaseDuration, nameof(options.LeaseDuration), nameOf, allowZero: false),
            Timer(options.PollInterval, nameof(options.PollInterval), nameOf, allowZero: false),
            Timer(options.RescueInterval, nameof(options.RescueInterval), nameOf, allowZero: false),
            Timer(options.PruneInterval, nameof(options.PruneInterval), nameOf, allowZero: false),
            Timer(options.HeartbeatInterval, nameof(options.HeartbeatInterval), nameOf, allowZero: false),
            Timer(options.MaxRetryDelay, nameof(options.MaxRetryDelay), nameOf, allowZero: false),
            Timer(options.UnknownJobTimeout, nameof(options.UnknownJobTimeout), nameOf, allowZero: false),
            Timer(options.TimeoutGrace, nameof(options.TimeoutGrace), nameOf, allowZero: true),
            Timer(options.ShutdownTimeout, nameof(options.ShutdownTimeout), nameOf, allowZero: true),
        ];
        foreach (OptionProblem? timer in timers)
        {
            if (timer is { } problem)
            {
                yield return problem;
            }
        }

        if (options.Retention is { } retention && (retention <= TimeSpan.Zero || retention > s_maxRetention))
        {
            yield return new(nameof(options.Retention),
                $"{nameOf(nameof(options.Retention))} is {retention}; it must be positive and at most {s_maxRetention.TotalDays:0} days, or null to keep finished jobs forever.");
        }

        if (SizeLimit(options.MaxArgumentsSize, nameof(options.MaxArgumentsSize), nameOf, "arguments") is { } arguments)
        {
            yield return arguments;
        }

        if (SizeLimit(options.MaxResultSize, nameof(options.MaxResultSize), nameOf, "results") is { } results)
        {
            yield return results;
        }

        if (options.SerializerOptions is null)
        {
            yield return new(nameof(options.SerializerOptions),
                $"{nameOf(nameof(options.SerializerOptions))} is null; leave the default (JsonSerializerOptions.Web) or set options.");
        }

        foreach (OptionProblem problem in Recurring.RecurringOptionsValidator.Problems(options, nameOf))
        {
            yield return problem;
        }
    }

    private static OptionProblem? Timer(TimeSpan value, string option, Func<string, string> nameOf, bool allowZero)
        => TimerLimit.Problem(value, allowZero) is { } problem ? new(option, $"{nameOf(option)} is {value}; {problem}.") : null;

    private static OptionProblem? SizeLimit(int? value, string option, Func<string, string> nameOf, string what)
        => value is < 1
            ? new(option, $"{nameOf(option)} is {value}; it must be at least 1 byte, or null for no limit on the size of {what} (default {JobQueueOptions.DefaultMaxSize} bytes, 1 MiB).")
            : null;
}

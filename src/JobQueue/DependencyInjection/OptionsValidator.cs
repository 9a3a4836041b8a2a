namespace JobQueue;

/// <summary>Validates options when AddJobQueue runs, so a bad setting fails at startup with its name and value.</summary>
internal static class OptionsValidator
{
    // Retention becomes "now - Retention" on every prune: a span past this would leave the calendar and fail each
    // prune instead of failing once at startup. A century is far beyond any job history anyone keeps.
    private static readonly TimeSpan s_maxRetention = TimeSpan.FromDays(36_500);

    public static void Validate(Type jobType, JobOptions options)
    {
        string prefix = $"AddJob<{jobType.Name}>: JobOptions";
        if (string.IsNullOrWhiteSpace(options.Queue))
        {
            throw new ArgumentException($"{prefix}.Queue is empty; name a queue, or leave the default \"{JobQueueOptions.DefaultQueueName}\".");
        }

        RequireTimer(options.Timeout, $"{prefix}.Timeout", allowZero: false);
        if (options.MaxAttempts < 1)
        {
            throw new ArgumentException($"{prefix}.MaxAttempts is {options.MaxAttempts}; it must be at least 1 (1 means no retry).");
        }

        RequireTimer(options.RetryDelay, $"{prefix}.RetryDelay", allowZero: true);
        RequireAtLeastOne(options.ConcurrencyPerKey, $"{prefix}.ConcurrencyPerKey");
    }

    public static void Validate(QueueOptions options)
    {
        string prefix = $"AddQueue(\"{options.Name}\"): QueueOptions";
        if (options.Concurrency < 1)
        {
            throw new ArgumentException($"{prefix}.Concurrency is {options.Concurrency}; it must be at least 1.");
        }

        RequireAtLeastOne(options.GlobalConcurrency, $"{prefix}.GlobalConcurrency");
        RequireAtLeastOne(options.ConcurrencyPerKey, $"{prefix}.ConcurrencyPerKey");
    }

    private static void RequireAtLeastOne(int? value, string name)
    {
        if (value is < 1)
        {
            throw new ArgumentException($"{name} is {value}; it must be at least 1, or null for no limit.");
        }
    }

    public static void Validate(JobQueueOptions options)
    {
        const string Prefix = "JobQueueOptions";
        if (options.DefaultConcurrency < 1)
        {
            throw new ArgumentException($"{Prefix}.DefaultConcurrency is {options.DefaultConcurrency}; it must be at least 1.");
        }

        if (options.FetchBatchSize < 1)
        {
            throw new ArgumentException($"{Prefix}.FetchBatchSize is {options.FetchBatchSize}; it must be at least 1.");
        }

        RequireTimer(options.LeaseDuration, $"{Prefix}.LeaseDuration", allowZero: false);
        RequireTimer(options.PollInterval, $"{Prefix}.PollInterval", allowZero: false);
        RequireTimer(options.RescueInterval, $"{Prefix}.RescueInterval", allowZero: false);
        RequireTimer(options.PruneInterval, $"{Prefix}.PruneInterval", allowZero: false);
        RequireTimer(options.HeartbeatInterval, $"{Prefix}.HeartbeatInterval", allowZero: false);
        RequireTimer(options.MaxRetryDelay, $"{Prefix}.MaxRetryDelay", allowZero: false);
        RequireTimer(options.UnknownJobTimeout, $"{Prefix}.UnknownJobTimeout", allowZero: false);
        RequireTimer(options.TimeoutGrace, $"{Prefix}.TimeoutGrace", allowZero: true);
        RequireTimer(options.ShutdownTimeout, $"{Prefix}.ShutdownTimeout", allowZero: true);
        if (options.Retention is { } retention && (retention <= TimeSpan.Zero || retention > s_maxRetention))
        {
            throw new ArgumentException(
                $"{Prefix}.Retention is {retention}; it must be positive and at most {s_maxRetention.TotalDays:0} days, or null to keep finished jobs forever.");
        }

        RequireSizeLimit(options.MaxArgumentsSize, $"{Prefix}.MaxArgumentsSize", "arguments");
        RequireSizeLimit(options.MaxResultSize, $"{Prefix}.MaxResultSize", "results");
        if (options.SerializerOptions is null)
        {
            throw new ArgumentException($"{Prefix}.SerializerOptions is null; leave the default (JsonSerializerOptions.Web) or set options.");
        }
    }

    private static void RequireTimer(TimeSpan value, string name, bool allowZero)
    {
        if (TimerLimit.Problem(value, allowZero) is { } problem)
        {
            throw new ArgumentException($"{name} is {value}; {problem}.");
        }
    }

    private static void RequireSizeLimit(int? value, string name, string what)
    {
        if (value is < 1)
        {
            throw new ArgumentException(
                $"{name} is {value}; it must be at least 1 byte, or null for no limit on the size of {what} (default {JobQueueOptions.DefaultMaxSize} bytes, 1 MiB).");
        }
    }
}

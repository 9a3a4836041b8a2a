namespace JobQueue;

/// <summary>Validates options when AddJobQueue runs, so a bad setting fails at startup with its name and value.</summary>
internal static class OptionsValidator
{
    public static void Validate(Type jobType, JobOptions options)
    {
        string prefix = $"AddJob<{jobType.Name}>: JobOptions";
        if (string.IsNullOrWhiteSpace(options.Queue))
        {
            throw new ArgumentException($"{prefix}.Queue is empty; name a queue, or leave the default \"{JobQueueOptions.DefaultQueueName}\".");
        }

        RequirePositive(options.Timeout, $"{prefix}.Timeout");
        if (options.MaxAttempts < 1)
        {
            throw new ArgumentException($"{prefix}.MaxAttempts is {options.MaxAttempts}; it must be at least 1 (1 means no retry).");
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            throw new ArgumentException($"{prefix}.RetryDelay is {options.RetryDelay}; it cannot be negative.");
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

        RequirePositive(options.LeaseDuration, $"{Prefix}.LeaseDuration");
        RequirePositive(options.PollInterval, $"{Prefix}.PollInterval");
        RequirePositive(options.RescueInterval, $"{Prefix}.RescueInterval");
        RequirePositive(options.PruneInterval, $"{Prefix}.PruneInterval");
        RequirePositive(options.MaxRetryDelay, $"{Prefix}.MaxRetryDelay");
        RequirePositive(options.UnknownJobTimeout, $"{Prefix}.UnknownJobTimeout");
        if (options.TimeoutGrace < TimeSpan.Zero)
        {
            throw new ArgumentException($"{Prefix}.TimeoutGrace is {options.TimeoutGrace}; it cannot be negative.");
        }

        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"{Prefix}.ShutdownTimeout is {options.ShutdownTimeout}; it cannot be negative.");
        }

        if (options.Retention is { } retention && retention <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{Prefix}.Retention is {retention}; it must be positive, or null to keep finished jobs forever.");
        }

        if (options.SerializerOptions is null)
        {
            throw new ArgumentException($"{Prefix}.SerializerOptions is null; leave the default (JsonSerializerOptions.Web) or set options.");
        }
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{name} is {value}; it must be positive.");
        }
    }
}

using System.Globalization;
using System.Reflection;

namespace JobQueue.Registration;

/// <summary>
/// What enqueueing a job needs of its arguments type: its stable name and the options its jobs are written with.
/// A registered handler's contract carries the options <c>AddJob</c> set; any other arguments type's comes from
/// its attributes alone, so a process can enqueue jobs whose handlers live in another process.
/// </summary>
internal sealed class JobContract
{
    public JobContract(string name, JobOptions options)
    {
        Name = name;
        Options = options;
    }

    public string Name { get; }

    public JobOptions Options { get; }

    /// <summary>The contract of an arguments type no handler is registered for in this process.</summary>
    /// <exception cref="ArgumentException">The type cannot be a job's arguments, or its [JobDefaults] are not valid.</exception>
    public static JobContract Of(Type argsType)
    {
        if (argsType.IsAbstract || argsType.IsInterface || argsType == typeof(object) || argsType.ContainsGenericParameters)
        {
            throw new ArgumentException(
                $"{argsType.FullName} cannot be a job's arguments type: enqueue a concrete record or class (the worker deserializes the arguments into exactly that type).",
                nameof(argsType));
        }

        return new JobContract(JobRegistry.NameOf(argsType), DefaultsOf(argsType));
    }

    /// <summary>New options for an arguments type: the <see cref="JobOptions"/> defaults, changed by its [JobDefaults].</summary>
    /// <exception cref="ArgumentException">A [JobDefaults] value is not valid.</exception>
    public static JobOptions DefaultsOf(Type argsType)
    {
        var options = new JobOptions();
        if (argsType.GetCustomAttribute<JobDefaultsAttribute>() is not { } defaults)
        {
            return options;
        }

        if (defaults.Queue is not null)
        {
            options.Queue = defaults.Queue;
        }

        options.Priority = defaults.Priority;
        if (defaults.MaxAttempts != 0)
        {
            options.MaxAttempts = defaults.MaxAttempts;
        }

        if (defaults.Timeout is not null)
        {
            options.Timeout = ParseSpan(argsType, nameof(JobDefaultsAttribute.Timeout), defaults.Timeout);
        }

        if (defaults.RetryDelay is not null)
        {
            options.RetryDelay = ParseSpan(argsType, nameof(JobDefaultsAttribute.RetryDelay), defaults.RetryDelay);
        }

        OptionsValidator.ThrowFirst(OptionsValidator.Problems(options, option => $"[JobDefaults({option} = ...)] on {argsType.FullName}"));
        return options;
    }

    private static TimeSpan ParseSpan(Type argsType, string property, string text)
        => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out TimeSpan span)
            ? span
            : throw new ArgumentException(
                $"[JobDefaults({property} = \"{text}\")] on {argsType.FullName} is not a time span; write it as \"hh:mm:ss\", such as \"00:02:00\" for two minutes.");
}

namespace JobQueue;

/// <summary>
/// Gives a job's arguments type the options its jobs are enqueued with, where the type is declared: in a contracts
/// assembly shared by a web process that only enqueues and a worker process that has the handler. Both then enqueue
/// with the same queue, priority, timeout, attempts and retry delay.
/// </summary>
/// <remarks>
/// In a process that registers the handler with <c>AddJob</c>, these are the defaults its options start from, and
/// its <c>configure</c> may change them for that process only. <see cref="EnqueueOptions"/> on a call wins over both.
/// A property left unset keeps the <see cref="JobOptions"/> default. A value that is not valid fails the first enqueue
/// of the type (or <c>AddJob</c>) with an <see cref="ArgumentException"/> naming the type and the property.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
public sealed class JobDefaultsAttribute : Attribute
{
    /// <summary>The queue jobs of this type go into; null keeps "default".</summary>
    public string? Queue { get; set; }

    /// <summary>Higher runs first within a queue; 0 by default.</summary>
    public int Priority { get; set; }

    /// <summary>How many attempts a job may make (1 means no retry); 0 keeps the default of 10.</summary>
    public int MaxAttempts { get; set; }

    /// <summary>How long one attempt may run, as a time span such as "00:02:00"; null keeps the default of 10 minutes.</summary>
    public string? Timeout { get; set; }

    /// <summary>The delay before the first retry, as a time span such as "00:00:30"; null keeps the default of 5 seconds.</summary>
    public string? RetryDelay { get; set; }
}

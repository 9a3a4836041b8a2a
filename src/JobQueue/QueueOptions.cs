namespace JobQueue;

/// <summary>A named queue served by the worker host, declared with <c>AddQueue(name, concurrency)</c>.</summary>
public sealed class QueueOptions
{
    /// <summary>The queue's name.</summary>
    public required string Name { get; init; }

    /// <summary>Maximum number of jobs of this queue that run at once in one host.</summary>
    /// <value>Defaults to 1.</value>
    public int Concurrency { get; set; } = 1;
}

using JobQueue.Binding;

namespace JobQueue;

/// <summary>Settings of the in-memory store, given to <c>UseInMemory(o =&gt; ...)</c>.</summary>
public sealed class InMemoryStorageOptions
{
    /// <summary>
    /// The most unfinished jobs (scheduled, enqueued, running, awaiting) the store holds; null is unbounded.
    /// When it is full, an enqueue waits for room or throws, as <see cref="ThrowWhenFull"/> says.
    /// </summary>
    /// <value>Defaults to null (unbounded).</value>
    public int? Capacity { get; set; }

    /// <summary>When the store is full, throw <see cref="QueueFullException"/> instead of waiting for room.</summary>
    /// <value>Defaults to false: wait.</value>
    public bool ThrowWhenFull { get; set; }

    /// <summary>The rule of <see cref="Capacity"/>, shared by code and configuration; <paramref name="nameOf"/> names the option.</summary>
    internal static OptionProblem? Problem(InMemoryStorageOptions options, Func<string, string> nameOf)
        => options.Capacity is < 1
            ? new(nameof(Capacity), $"{nameOf(nameof(Capacity))} is {options.Capacity}; it must be at least 1, or null for no bound.")
            : null;
}

namespace JobQueue.TestSupport;

/// <summary>
/// The one place tests choose how long they wait for a signal. Generous on purpose: a 2-core CI machine
/// under load must never fail a correct test; a broken test still fails, just later.
/// </summary>
public static class Deadline
{
    /// <summary>How long a test waits for work it awaits to be done.</summary>
    public static TimeSpan Default { get; } = TimeSpan.FromSeconds(60);

    /// <summary>A token that fires after <see cref="Default"/>.</summary>
    public static CancellationToken Token() => new CancellationTokenSource(Default).Token;

    /// <summary>Awaits <paramref name="task"/>, failing with a clear message if it does not finish in time.</summary>
    public static async Task<T> Within<T>(Task<T> task, string what, TimeSpan? timeout = null)
    {
        Task finished = await Task.WhenAny(task, Task.Delay(timeout ?? Default)).ConfigureAwait(false);
        if (finished != task)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? Default).TotalSeconds}s waiting for {what}.");
        }

        return await task.ConfigureAwait(false);
    }

    /// <summary>Awaits <paramref name="task"/>, failing with a clear message if it does not finish in time.</summary>
    public static async Task Within(Task task, string what, TimeSpan? timeout = null)
    {
        Task finished = await Task.WhenAny(task, Task.Delay(timeout ?? Default)).ConfigureAwait(false);
        if (finished != task)
        {
            throw new TimeoutException($"Timed out after {(timeout ?? Default).TotalSeconds}s waiting for {what}.");
        }

        await task.ConfigureAwait(false);
    }
}

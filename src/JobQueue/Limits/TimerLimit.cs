namespace JobQueue;

/// <summary>
/// The longest span a .NET timer takes: CancellationTokenSource, Task.Delay and ITimer throw for more than
/// uint.MaxValue - 1 milliseconds (about 49.7 days). Every TimeSpan that can reach a timer is checked against it
/// where it is set (options at startup, arguments at enqueue, Snooze), so a timer is never armed with a value it
/// throws for inside the engine, where the exception would hit a worker loop instead of the caller who chose it.
/// </summary>
internal static class TimerLimit
{
    /// <summary>4,294,967,294 milliseconds: 49 days, 17 hours, 2 minutes and 47.294 seconds.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>How the limit reads in messages.</summary>
    public static string Describe() => $"{Max} (about 49.7 days, the longest a .NET timer accepts)";

    /// <summary>Null when <paramref name="value"/> can arm a timer; otherwise why not, for a message that starts with the setting's name.</summary>
    /// <param name="value">The span.</param>
    /// <param name="allowZero">Whether zero is a valid value (a grace or a delay) rather than a timer that fires at once by mistake.</param>
    public static string? Problem(TimeSpan value, bool allowZero)
    {
        if (value < TimeSpan.Zero)
        {
            return "it cannot be negative";
        }

        if (value == TimeSpan.Zero && !allowZero)
        {
            return "it must be positive";
        }

        return value > Max ? $"it must be at most {Describe()}" : null;
    }

    /// <summary>
    /// Caps a span the engine computes from validated settings (a multiple or a sum of them), which can pass the
    /// limit even though each setting is within it.
    /// </summary>
    public static TimeSpan Clamp(TimeSpan value) => value > Max ? Max : value;
}

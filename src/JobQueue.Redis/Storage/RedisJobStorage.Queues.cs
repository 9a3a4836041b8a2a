using JobQueue.Redis.Scripts;
using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

internal sealed partial class RedisJobStorage
{
    public async ValueTask<bool> PauseQueueAsync(PauseQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RedisValue[] args = new RedisArguments(3).Add(_prefix).Add(request.Queue).AddTicks(request.Now).ToArray();
        return (long)await EvalAsync(RedisScripts.PauseQueue, args, cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<bool> ResumeQueueAsync(ResumeQueueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RedisValue[] args = new RedisArguments(2).Add(_prefix).Add(request.Queue).ToArray();
        return (long)await EvalAsync(RedisScripts.ResumeQueue, args, cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<IReadOnlyList<PausedQueue>> GetPausedQueuesAsync(CancellationToken cancellationToken)
    {
        RedisResult reply = await EvalAsync(RedisScripts.PausedQueues, [_prefix], cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])reply!;
        var paused = new List<PausedQueue>(items.Length / 2);
        for (int i = 0; i + 1 < items.Length; i += 2)
        {
            paused.Add(new PausedQueue { Queue = (string)items[i]!, PausedAt = ReadTime((RedisValue)items[i + 1]) });
        }

        paused.Sort(static (a, b) => string.CompareOrdinal(a.Queue, b.Queue));
        return paused;
    }

    /// <summary>A stored time; one that does not read (damaged behind the store's back) reads as the earliest, never thrown over.</summary>
    private static DateTimeOffset ReadTime(RedisValue value)
    {
        try
        {
            return value.IsNull ? DateTimeOffset.MinValue : RedisValues.ParseTime(((ReadOnlyMemory<byte>)value).Span);
        }
        catch (FormatException)
        {
            return DateTimeOffset.MinValue;
        }
        catch (ArgumentOutOfRangeException)
        {
            return DateTimeOffset.MinValue;
        }
    }
}

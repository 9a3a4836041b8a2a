using JobQueue.Redis.Scripts;
using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

/// <summary>Flow control: the arguments of the fetch with limits, holds and the flow state (see RedisScripts.Flow).</summary>
internal sealed partial class RedisJobStorage
{
    // Per name in RedisScripts.FetchLimited's ARGV: name, concurrency per key, rate (3), rate per key (3).
    private const int NameLimitFields = 8;

    public async ValueTask HoldAsync(HoldRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Holds, nameof(request));
        if (request.Holds.Count == 0)
        {
            return;
        }

        var args = new RedisArguments(2 + (request.Holds.Count * 2), 32 + (request.Holds.Count * RedisValues.TicksDigits));
        args.Add(_prefix).AddTicks(request.Now);
        foreach (FlowHold hold in request.Holds)
        {
            ArgumentNullException.ThrowIfNull(hold, nameof(request));
            args.Add(hold.Scope).AddTicks(hold.Until);
        }

        await EvalAsync(RedisScripts.Hold, args.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<FlowState> GetFlowStateAsync(FlowStateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<RateScopeQuery> rates = request.Rates ?? [];
        var args = new RedisArguments(6 + (rates.Count * 4), 64 + (rates.Count * 2 * RedisValues.TicksDigits));
        args.Add(_prefix)
            .Add(request.Queue)
            .Add(request.LimitKey ?? string.Empty)
            .Add(request.Name)
            .AddTicks(request.Now)
            .AddScore(request.Now);
        foreach (RateScopeQuery rate in rates)
        {
            DateTimeOffset windowStart = request.Now - rate.Limit.Period;
            args.Add(rate.Scope).Add(rate.Limit.Starts).AddTicks(windowStart).AddScore(windowStart);
        }

        RedisResult[] reply = (RedisResult[])(await EvalAsync(RedisScripts.FlowStateRead, args.ToArray(), cancellationToken).ConfigureAwait(false))!;
        var roomAt = new DateTimeOffset?[rates.Count];
        for (int i = 0; i < roomAt.Length; i++)
        {
            // The start that must leave the window; the scope has room one period after it.
            roomAt[i] = Time(reply[4 + i]) + rates[i].Limit.Period;
        }

        return new FlowState
        {
            QueuePaused = (long)reply[0] == 1,
            RunningInQueue = checked((int)(long)reply[1]),
            RunningWithKey = checked((int)(long)reply[2]),
            HeldUntil = Time(reply[3]),
            RateRoomAt = roomAt,
        };

        static DateTimeOffset? Time(RedisResult value)
            => value.IsNull || ((byte[])value!).Length == 0 ? null : RedisValues.ParseTime((byte[])value!);
    }

    /// <summary>The ARGV of <see cref="RedisScripts.FetchLimited"/>.</summary>
    private RedisValue[] FetchLimitedArguments(FetchRequest request, FetchLimits limits)
    {
        IReadOnlyList<NameLimits> names = limits.Names ?? [];
        var args = new RedisArguments(18 + (names.Count * NameLimitFields), 256 + (names.Count * 4 * RedisValues.TicksDigits));
        args.Add(_prefix)
            .Add(request.Queue)
            .Add(request.Limit)
            .AddTicks(request.Now)
            .Add(request.LeaseToken)
            .AddTicks(request.LeaseExpiresAt)
            .Add(request.WorkerId)
            .AddScore(request.Now)
            .Add(Math.Max(limits.MaxSkipped, 1));
        AddCount(args, limits.QueueConcurrency);
        AddRate(args, limits.QueueRate, request.Now);
        AddCount(args, limits.ConcurrencyPerKey);
        AddRate(args, limits.RatePerKey, request.Now);
        args.Add(names.Count);
        foreach (NameLimits name in names)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(request));
            args.Add(name.Name);
            AddCount(args, name.ConcurrencyPerKey);
            AddRate(args, name.Rate, request.Now);
            AddRate(args, name.RatePerKey, request.Now);
        }

        return args.ToArray();

        static void AddCount(RedisArguments args, int? count)
        {
            if (count is int value)
            {
                args.Add(value);
            }
            else
            {
                args.Add(string.Empty);
            }
        }

        // The window (now - period, now] is sent as its start, in ticks and in microseconds: Lua numbers cannot hold ticks.
        static void AddRate(RedisArguments args, RateLimit? rate, DateTimeOffset now)
        {
            if (rate is null)
            {
                args.Add(string.Empty).Add(string.Empty).Add(string.Empty);
                return;
            }

            DateTimeOffset windowStart = now - rate.Period;
            args.Add(rate.Starts).AddTicks(windowStart).AddScore(windowStart);
        }
    }
}

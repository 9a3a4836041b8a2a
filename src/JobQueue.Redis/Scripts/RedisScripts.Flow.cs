namespace JobQueue.Redis.Scripts;

// Flow control: limits at fetch, holds and the flow state. Keys, all under the prefix P (so a cluster keeps them in the
// prefix's slot): parked:KEY (zset of the ready members of Enqueued jobs set aside over their key's concurrency limit,
// scored as in the ready set; see unpark() of the prelude), run:KEY (set of the ids of the Running jobs with limit key KEY, added at lease, removed by unlease()
// and finish() of the prelude, the only ways out of Running; read with a self-repair, see FetchLimited), starts:SCOPE
// (zset of the starts recorded in a rate scope, scored by unix microseconds, member "ticks(19):id:leaseToken" so each
// lease is its own member and the exact time is kept), and holds (hash: scope to the hold's end in ticks). A job hash
// keeps its limit key in 'lk'.
internal static partial class RedisScripts
{
    /// <summary>
    /// ARGV: P, queue, limit, nowTicks, token, leaseTicks, worker, nowUs, maxSkipped, queueConcurrency or '',
    /// queue rate (3), concurrencyPerKey or '', rate per key (3), name count, then per name: name, concurrencyPerKey or '',
    /// rate (3), rate per key (3). A rate is starts, windowStartTicks, windowStartUs, or three ''.
    /// Returns the leased jobs as <see cref="Fetch"/> does.
    /// </summary>
    /// <remarks>
    /// <para>One script, so fetches with limits are atomic with respect to each other (and to every other change) on
    /// every host: no two of them can both take the last room of a limit.</para>
    /// <para>Unlike <see cref="Fetch"/> it walks the ready set in order instead of popping it: a job over a limit stays
    /// where it is, untouched, and the walk goes on past it until the fetch has its jobs, has skipped maxSkipped of
    /// them, or the queue's own limits have no room.</para>
    /// </remarks>
    public static readonly RedisScript FetchLimited = RedisScriptLoader.Load("fetch-limited");

    /// <summary>ARGV: P, nowTicks, then per hold: scope, untilTicks. A scope keeps the later end; holds that ended are deleted.</summary>
    public static readonly RedisScript Hold = RedisScriptLoader.Load("hold");

    /// <summary>
    /// ARGV: P, queue, limitKey or '', name, nowTicks, nowUs, then per rate scope: scope, starts, windowStartTicks,
    /// windowStartUs. Returns paused (0/1), running in queue, running with key, held until (ticks) or '', then per rate
    /// scope '' when it has room, else the ticks of the start that must leave the window before it has room.
    /// </summary>
    public static readonly RedisScript FlowStateRead = RedisScriptLoader.Load("flow-state");
}

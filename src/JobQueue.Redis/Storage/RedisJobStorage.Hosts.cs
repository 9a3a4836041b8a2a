using System.Globalization;
using JobQueue.Hosts;
using JobQueue.Redis.Scripts;
using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

internal sealed partial class RedisJobStorage
{
    public async ValueTask RecordHeartbeatAsync(HostHeartbeat heartbeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        RedisValue[] args = new RedisArguments(21)
            .Add(_prefix)
            .Add(heartbeat.HostId)
            .AddScore(heartbeat.ExpiresAt)
            .Add("m").Add(heartbeat.MachineName)
            .Add("pid").Add(heartbeat.ProcessId)
            .Add("sa").AddTicks(heartbeat.StartedAt)
            .Add("v").Add(heartbeat.Version)
            .Add("q").Add(HostQueuesJson.Write(heartbeat.Queues))
            .Add("r").Add(heartbeat.Running)
            .Add("i").Add(heartbeat.Interval.Ticks)
            .Add("s").AddTicks(heartbeat.SeenAt)
            .Add("e").AddTicks(heartbeat.ExpiresAt)
            .ToArray();
        await EvalAsync(RedisScripts.RecordHeartbeat, args, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> RemoveHostAsync(RemoveHostRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RedisValue[] args = new RedisArguments(2).Add(_prefix).Add(request.HostId).ToArray();
        return (long)await EvalAsync(RedisScripts.RemoveHost, args, cancellationToken).ConfigureAwait(false) == 1;
    }

    public async ValueTask<IReadOnlyList<HostHeartbeat>> GetHostsAsync(CancellationToken cancellationToken)
    {
        RedisResult reply = await EvalAsync(RedisScripts.Hosts, [_prefix], cancellationToken).ConfigureAwait(false);
        RedisResult[] items = (RedisResult[])reply!;
        var hosts = new List<HostHeartbeat>(items.Length / 2);
        for (int i = 0; i + 1 < items.Length; i += 2)
        {
            hosts.Add(ReadHost((string)items[i]!, (RedisResult[])items[i + 1]!));
        }

        hosts.Sort(static (a, b) => string.CompareOrdinal(a.HostId, b.HostId));
        return hosts;
    }

    public async ValueTask<int> PruneHostsAsync(PruneHostsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(request.Limit, nameof(request));
        RedisValue[] args = new RedisArguments(4).Add(_prefix).AddTicks(request.Now).AddScore(request.Now).Add(request.Limit).ToArray();
        return checked((int)(long)await EvalAsync(RedisScripts.PruneHosts, args, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>A host's hash, field by field: a field missing or damaged behind the store's back reads as a default, never thrown over.</summary>
    private static HostHeartbeat ReadHost(string id, RedisResult[] hash)
    {
        var fields = new Dictionary<string, RedisValue>(hash.Length / 2, StringComparer.Ordinal);
        for (int i = 0; i + 1 < hash.Length; i += 2)
        {
            fields[(string)hash[i]!] = (RedisValue)hash[i + 1];
        }

        RedisValue Field(string name) => fields.GetValueOrDefault(name, RedisValue.Null);
        long Number(string name) => long.TryParse((string?)Field(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) ? value : 0;

        return new HostHeartbeat
        {
            HostId = id,
            MachineName = (string?)Field("m") ?? "",
            ProcessId = (int)Math.Clamp(Number("pid"), int.MinValue, int.MaxValue),
            StartedAt = ReadTime(Field("sa")),
            Version = (string?)Field("v") ?? "",
            Queues = HostQueuesJson.Read((string?)Field("q")),
            Running = (int)Math.Clamp(Number("r"), int.MinValue, int.MaxValue),
            Interval = TimeSpan.FromTicks(Number("i")),
            SeenAt = ReadTime(Field("s")),
            ExpiresAt = ReadTime(Field("e")),
        };
    }
}

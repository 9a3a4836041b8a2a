using System.Text;
using JobQueue.TestSupport;

namespace JobQueue.Redis.Tests.Cluster;

/// <summary>One throwaway three-primary Redis Cluster shared by the tests of the cluster collection.</summary>
public sealed class RedisClusterFixture : IAsyncLifetime
{
    private RedisCluster? _cluster;

    public RedisCluster Cluster => _cluster ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync() => _cluster = await RedisCluster.StartAsync();

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// The hash slot of keys tagged <c>{tag}</c>: CRC16 (XMODEM: polynomial 0x1021, initial value 0) of the
    /// tag, modulo 16384, as the Redis Cluster specification defines it.
    /// </summary>
    public static int SlotOf(string tag)
    {
        ushort crc = 0;
        foreach (byte b in Encoding.UTF8.GetBytes(tag))
        {
            crc ^= (ushort)(b << 8);
            for (int bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (ushort)((crc << 1) ^ 0x1021) : (ushort)(crc << 1);
            }
        }

        return crc % 16384;
    }

    /// <summary>A fresh key prefix, the node that owns its slot, and a node that does not.</summary>
    public async Task<(string Prefix, int Slot, int Owner, int Other)> NewPrefixAsync(CancellationToken cancellationToken)
    {
        string prefix = "c" + Guid.NewGuid().ToString("N");
        int slot = SlotOf(prefix);
        int owner = await Cluster.OwnerOfAsync(slot, cancellationToken);
        return (prefix, slot, owner, Cluster.Ports.First(port => port != owner));
    }
}

[CollectionDefinition(Name)]
public sealed class RedisClusterCollection : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "redis-cluster";
}

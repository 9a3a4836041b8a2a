using System.Collections.Concurrent;

namespace JobQueue.Tests;

public sealed class RandomGuidsTests
{
    [Fact]
    public void NewVersion7_CarriesVersionVariantAndTheTimestampsMilliseconds()
    {
        var at = new DateTimeOffset(2031, 5, 6, 7, 8, 9, 123, TimeSpan.Zero);

        Guid guid = RandomGuids.NewVersion7(at);

        guid.Version.Should().Be(7);
        guid.Variant.Should().BeInRange(8, 11, "the RFC 9562 variant is binary 10xx");
        string hex = guid.ToString("N");
        Convert.ToInt64(hex[..12], 16).Should().Be(at.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void NewVersion7_LaterMillisecond_SortsAfterAsGuidText()
    {
        var at = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);

        string earlier = RandomGuids.NewVersion7(at).ToString();
        string later = RandomGuids.NewVersion7(at.AddMilliseconds(1)).ToString();

        string.CompareOrdinal(earlier, later).Should().BeNegative();
    }

    [Fact]
    public void NewVersion4_CarriesVersionAndVariant()
    {
        Guid guid = RandomGuids.NewVersion4();

        guid.Version.Should().Be(4);
        guid.Variant.Should().BeInRange(8, 11);
    }

    [Fact]
    public void NewVersion7_ManyThreadsPastSeveralBlockRefills_NeverRepeat()
    {
        var seen = new ConcurrentDictionary<Guid, byte>();
        var at = new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero);

        // Same millisecond everywhere, so only the random bits keep them apart; 4 threads x 2,000 crosses refills.
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 2_000; i++)
            {
                seen.TryAdd(RandomGuids.NewVersion7(at), 0).Should().BeTrue();
                seen.TryAdd(RandomGuids.NewVersion4(), 0).Should().BeTrue();
            }
        });

        seen.Should().HaveCount(16_000);
    }
}

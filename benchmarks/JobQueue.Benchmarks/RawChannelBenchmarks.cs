using System.Threading.Channels;
using BenchmarkDotNet.Attributes;

namespace JobQueue.Benchmarks;

/// <summary>The in-memory store's raw limit: what a Channel&lt;T&gt; alone does, without any job bookkeeping.</summary>
[MemoryDiagnoser]
public class RawChannelBenchmarks
{
    public const int Items = 10_000;

    private static readonly NoopArgs s_item = new(Guid.NewGuid(), "job");

    /// <summary>One thread writes then reads: the cost of the queue operations alone.</summary>
    [Benchmark(OperationsPerInvoke = Items)]
    public int WriteThenRead()
    {
        Channel<NoopArgs> channel = Channel.CreateUnbounded<NoopArgs>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
        for (int i = 0; i < Items; i++)
        {
            channel.Writer.TryWrite(s_item);
        }

        int read = 0;
        while (channel.Reader.TryRead(out _))
        {
            read++;
        }

        return read;
    }

    /// <summary>A producer task and a consumer task: adds the hand-off between threads a worker pays.</summary>
    [Benchmark(OperationsPerInvoke = Items)]
    public async Task<int> ProducerConsumer()
    {
        Channel<NoopArgs> channel = Channel.CreateUnbounded<NoopArgs>();
        Task producer = Task.Run(async () =>
        {
            for (int i = 0; i < Items; i++)
            {
                await channel.Writer.WriteAsync(s_item);
            }

            channel.Writer.Complete();
        });
        int read = 0;
        await foreach (NoopArgs _ in channel.Reader.ReadAllAsync())
        {
            read++;
        }

        await producer;
        return read;
    }
}

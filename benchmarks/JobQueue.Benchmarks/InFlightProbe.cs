using System.Diagnostics;
using System.Globalization;
using StackExchange.Redis;

namespace JobQueue.Benchmarks;

/// <summary>
/// Where a burst of 100 concurrent enqueues spends its time on Redis: 1,000 bursts on a fresh store, back to back
/// or (with --idle) 2 ms apart, as BenchmarkDotNet's short iterations space them, on six hosts in a row. Reports the
/// bursts' p50 and p90, the client process's CPU per burst, and the server's own accounting of its script calls
/// (INFO commandstats): calls per burst and microseconds per call. Written to compare the store on two Redis
/// clients (results/2026-12-06-redis-clients.md); it now measures the one the store has.
/// </summary>
internal static class InFlightProbe
{
    private const int Bursts = 1_000;

    public static async Task<int> RunAsync(string redis, bool idle, TextWriter output)
    {
        await using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync(redis + ",allowAdmin=true").ConfigureAwait(false);
        IServer server = admin.GetServers()[0];
        for (int round = 0; round < 6; round++)
        {
            foreach (Provider provider in new[] { Provider.Redis })
            {
                await using BenchHost host = await BenchHost.StartAsync(provider, 10, worker: false).ConfigureAwait(false);
                for (int i = 0; i < 200; i++)
                {
                    await EnqueueScenarios.InFlightAsync(host.Client).ConfigureAwait(false);
                }

                await server.ExecuteAsync("CONFIG", "RESETSTAT").ConfigureAwait(false);
                var bursts = new double[Bursts];
                TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime;
                for (int i = 0; i < Bursts; i++)
                {
                    long start = Stopwatch.GetTimestamp();
                    await EnqueueScenarios.InFlightAsync(host.Client).ConfigureAwait(false);
                    bursts[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
                    if (idle)
                    {
                        // The gap between bursts, not a wait for work: it lets the client's threads go idle.
                        await Task.Delay(2).ConfigureAwait(false);
                    }
                }

                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                string stats = (string)(await server.ExecuteAsync("INFO", "commandstats").ConfigureAwait(false))!;
                string evalsha = stats.Split('\n').First(l => l.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal)).Trim();
                Array.Sort(bursts);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{provider,-9} burst p50 {bursts[Bursts / 2],6:F0} us, p90 {bursts[Bursts * 9 / 10],6:F0} us, client CPU {cpu.TotalMicroseconds / Bursts,5:F0} us per burst; server {evalsha[..evalsha.IndexOf(",rejected", StringComparison.Ordinal)]}"));
            }
        }

        return 0;
    }
}

using System.Diagnostics;
using System.Globalization;
using JobQueue.Redis.Scripts;
using StackExchange.Redis;

namespace JobQueue.Benchmarks;

/// <summary>
/// What the Redis client costs per round trip, with no JobQueue code around it: a one-line Lua script run by its
/// SHA1, awaited one at a time (the shape of an awaited enqueue), by 100 callers at once (the shape of 100
/// enqueues in flight, before coalescing), and one at a time after 2 ms of idle (the first round trip of a burst);
/// on the client's default socket manager and on the .NET thread pool's.
/// </summary>
internal static class ClientRoundTrips
{
    private static readonly RedisScript s_script = new("round-trip", "return ARGV[1]");

    /// <summary>Writes the rates (round trips per second, median of five rounds) as tab-separated key/value lines.</summary>
    public static async Task<int> RunAsync(int port, TextWriter output)
    {
        string endpoint = "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);

        await using (ConnectionMultiplexer shared = await ConnectionMultiplexer.ConnectAsync(endpoint).ConfigureAwait(false))
        {
            IDatabase database = shared.GetDatabase();
            await database.ScriptEvaluateAsync(s_script.Text, values: ["x"]).ConfigureAwait(false);
            await MeasureAsync(output, "se", () => database.ScriptEvaluateAsync(s_script.Hash, values: ["x"])).ConfigureAwait(false);
        }

        ConfigurationOptions threadPool = ConfigurationOptions.Parse(endpoint);
#pragma warning disable CS0618 // Obsolete in StackExchange.Redis 3, still honoured; measured, not recommended.
        threadPool.SocketManager = SocketManager.ThreadPool;
#pragma warning restore CS0618
        await using (ConnectionMultiplexer pooled = await ConnectionMultiplexer.ConnectAsync(threadPool).ConfigureAwait(false))
        {
            IDatabase database = pooled.GetDatabase();
            await database.ScriptEvaluateAsync(s_script.Text, values: ["x"]).ConfigureAwait(false);
            await MeasureAsync(output, "se.threadpool", () => database.ScriptEvaluateAsync(s_script.Hash, values: ["x"])).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task MeasureAsync<T>(TextWriter output, string name, Func<Task<T>> roundTrip)
    {
        // Warm-up: JIT and the connection's first completions are not the subject.
        for (int i = 0; i < 5_000; i++)
        {
            await roundTrip().ConfigureAwait(false);
        }

        var serial = new List<double>();
        var parallel = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            const int Serial = 10_000;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < Serial; i++)
            {
                await roundTrip().ConfigureAwait(false);
            }

            serial.Add(Serial / Stopwatch.GetElapsedTime(start).TotalSeconds);

            const int Callers = 100;
            const int PerCaller = 500;
            start = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(_ => Task.Run(async () =>
            {
                for (int i = 0; i < PerCaller; i++)
                {
                    await roundTrip().ConfigureAwait(false);
                }
            }))).ConfigureAwait(false);
            parallel.Add(Callers * PerCaller / Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        // After 2 ms of idle, as a burst of requests meets a quiet connection: the first round trip of a burst.
        var idle = new double[1_000];
        for (int i = 0; i < idle.Length; i++)
        {
            await Task.Delay(2).ConfigureAwait(false);
            long start = Stopwatch.GetTimestamp();
            await roundTrip().ConfigureAwait(false);
            idle[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        serial.Sort();
        parallel.Sort();
        Array.Sort(idle);
        Write(output, $"client.{name}.serial", serial[serial.Count / 2]);
        Write(output, $"client.{name}.c100", parallel[parallel.Count / 2]);
        Write(output, $"client.{name}.idle.p50.us", idle[idle.Length / 2]);
        Write(output, $"client.{name}.idle.p99.us", idle[(int)(idle.Length * 0.99)]);
    }

    private static void Write(TextWriter output, string key, double value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key}\t{value:F0}"));
}

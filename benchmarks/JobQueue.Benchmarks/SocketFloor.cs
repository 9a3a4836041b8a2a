using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace JobQueue.Benchmarks;

/// <summary>
/// What any .NET Redis client pays before it does anything of its own: a bare asynchronous socket that sends PING
/// and reads +PONG, one at a time. Measured back to back (the floor of an awaited enqueue) and after 2 ms of idle
/// (the floor of each hop of an idle worker's wake-up, spaced as the latency benchmark spaces its samples).
/// </summary>
/// <remarks>
/// benchmarks/ceilings.sh runs it; the Redis store's client adds its parsing, its reply matching and the
/// enqueue script on top, so a target below these figures is out of reach for it.
/// </remarks>
internal static class SocketFloor
{
    private static readonly byte[] s_ping = "*1\r\n$4\r\nPING\r\n"u8.ToArray();

    /// <summary>Writes the measurements as tab-separated key/value lines, the format of run.sh's raw limits.</summary>
    public static async Task<int> RunAsync(int port, TextWriter output)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).ConfigureAwait(false);
        byte[] reply = new byte[64];

        // Warm-up: JIT and the socket's first completions are not the subject.
        for (int i = 0; i < 20_000; i++)
        {
            await PingAsync(socket, reply).ConfigureAwait(false);
        }

        var rates = new List<double>();
        for (int round = 0; round < 5; round++)
        {
            const int pings = 40_000;
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < pings; i++)
            {
                await PingAsync(socket, reply).ConfigureAwait(false);
            }

            rates.Add(pings / Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        var idle = new double[1_000];
        for (int i = 0; i < idle.Length; i++)
        {
            await Task.Delay(2).ConfigureAwait(false);
            long start = Stopwatch.GetTimestamp();
            await PingAsync(socket, reply).ConfigureAwait(false);
            idle[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(idle);
        rates.Sort();
        Write(output, "dotnet.ping.rate", rates[rates.Count / 2]);
        Write(output, "dotnet.ping.idle.p50", idle[idle.Length / 2]);
        Write(output, "dotnet.ping.idle.p99", idle[(int)(idle.Length * 0.99)]);
        return 0;
    }

    private static async Task PingAsync(Socket socket, byte[] reply)
    {
        await socket.SendAsync(s_ping, SocketFlags.None).ConfigureAwait(false);

        // "+PONG\r\n" is seven bytes; a read may return fewer.
        int received = 0;
        while (received < 7)
        {
            int read = await socket.ReceiveAsync(reply.AsMemory(received), SocketFlags.None).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException("Redis closed the connection during the socket floor measurement.");
            }

            received += read;
        }
    }

    private static void Write(TextWriter output, string key, double value) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{key}\t{value:F3}"));
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;

namespace JobQueue.Benchmarks;

/// <summary>
/// Load on the WebShop sample's sign-up, twice from one run: POST /signup/inline sends the e-mail inside the request,
/// POST /signup defers it to a job. A fixed number of concurrent clients post sign-ups back to back for a fixed time
/// each; the figures are requests per second and the latency percentiles of the answers (202 or an error).
/// </summary>
/// <remarks>benchmarks/signup.sh starts the sample on a loopback port with a fresh SQLite file and runs this.</remarks>
internal static class SignUpLoad
{
    public static async Task<int> RunAsync(string baseUrl, int clients, TimeSpan duration, TextWriter output)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri(baseUrl) };
        output.WriteLine("| sign-up | clients | seconds | requests | requests/s | p50 ms | p99 ms | errors |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");

        // Deferred first: its jobs then run while the inline variant is measured, as they would in a live shop.
        foreach ((string name, string path) in new[] { ("deferred to a job", "/signup"), ("sent in the request", "/signup/inline") })
        {
            // Warm-up: JIT, connections, the store's first writes.
            await LoadAsync(http, path, clients, TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            (List<double> latencies, int errors, TimeSpan elapsed) = await LoadAsync(http, path, clients, duration).ConfigureAwait(false);
            latencies.Sort();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} (`POST {path}`) | {clients} | {elapsed.TotalSeconds:F1} | {latencies.Count} | {latencies.Count / elapsed.TotalSeconds:F0} | {Percentile(latencies, 0.50):F1} | {Percentile(latencies, 0.99):F1} | {errors} |"));
        }

        return 0;
    }

    private static async Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> LoadAsync(HttpClient http, string path, int clients, TimeSpan duration)
    {
        var latencies = new List<double>[clients];
        int errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var mine = latencies[client] = [];
            int n = 0;
            while (clock.Elapsed < duration)
            {
                long start = Stopwatch.GetTimestamp();
                using HttpResponseMessage response = await http.PostAsJsonAsync(path, new { email = $"load-{client}-{n++}@shop.example" }).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if ((int)response.StatusCode != 202)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        })).ConfigureAwait(false);
        return ([.. latencies.SelectMany(l => l)], errors, clock.Elapsed);
    }

    private static double Percentile(List<double> sorted, double p)
        => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}

using System.Globalization;
using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Benchmarks;

/// <summary>
/// The Redis server's time per job in the store's fetch and completion scripts, apart from any client: jobs are
/// filled, then fetched and completed in batches one call at a time, and the server's own script time
/// (INFO commandstats) is read around those calls only. A drain on two shared cores moves by more than a script
/// change saves; this figure does not, so it tells whether a script change saved server time.
/// </summary>
internal static class ScriptCost
{
    public static async Task<int> RunAsync(int jobs, int batch, TextWriter output)
    {
        string server = BenchEnvironment.Redis ?? throw new InvalidOperationException("Set JOBQUEUE_BENCH_REDIS to a Redis server's host:port.");
        await using ConnectionMultiplexer admin = await ConnectionMultiplexer.ConnectAsync(server + ",allowAdmin=true").ConfigureAwait(false);
        IServer redis = admin.GetServers()[0];
        await using BenchHost host = await BenchHost.StartAsync(Provider.Redis, concurrency: batch, worker: false).ConfigureAwait(false);
        await Measurements.FillAsync(host.Client, jobs).ConfigureAwait(false);

        double fetchMicroseconds = 0, completeMicroseconds = 0;
        int done = 0;
        while (done < jobs)
        {
            DateTimeOffset now = DateTimeOffset.UtcNow;
            var token = Guid.NewGuid();
            double before = await ScriptMicrosecondsAsync(redis).ConfigureAwait(false);
            IReadOnlyList<StoredJob> leased = await host.Storage.FetchAsync(BenchHost.FetchByHand(batch, token, now, "script-cost"), CancellationToken.None).ConfigureAwait(false);
            double fetched = await ScriptMicrosecondsAsync(redis).ConfigureAwait(false);
            await host.Storage.CompleteAsync(
                leased.Select(j => new JobCompletion { Id = j.Id, LeaseToken = token, Now = DateTimeOffset.UtcNow }).ToList(), CancellationToken.None).ConfigureAwait(false);
            double completed = await ScriptMicrosecondsAsync(redis).ConfigureAwait(false);
            fetchMicroseconds += fetched - before;
            completeMicroseconds += completed - fetched;
            done += leased.Count;
            if (leased.Count == 0)
            {
                throw new InvalidOperationException($"The fetch found no job after {done} of {jobs}.");
            }
        }

        output.WriteLine(FormattableString.Invariant(
            $"Redis script time per job, batches of {batch}: fetch {fetchMicroseconds / jobs:F2} us, complete {completeMicroseconds / jobs:F2} us, both {(fetchMicroseconds + completeMicroseconds) / jobs:F2} us"));
        return 0;
    }

    // The server's total time in EVALSHA so far (the INFO calls themselves are not scripts).
    private static async Task<double> ScriptMicrosecondsAsync(IServer redis)
    {
        string info = (await redis.InfoRawAsync("commandstats").ConfigureAwait(false))!;
        foreach (string line in info.Split('\n'))
        {
            if (line.StartsWith("cmdstat_evalsha:", StringComparison.Ordinal))
            {
                int start = line.IndexOf("usec=", StringComparison.Ordinal) + 5;
                int end = line.IndexOf(',', start);
                return double.Parse(line.AsSpan(start, end - start), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}

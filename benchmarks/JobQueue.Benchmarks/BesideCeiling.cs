using System.Diagnostics;
using System.Globalization;

namespace JobQueue.Benchmarks;

/// <summary>
/// A raw limit measured again right before and right after the figure it is the ceiling of, by a command run.sh
/// writes for it (JOBQUEUE_BENCH_BESIDE_REDIS_LPUSH_C50, JOBQUEUE_BENCH_BESIDE_PG_COPY_STORE: an executable that
/// prints one number, operations per second).
/// </summary>
/// <remarks>
/// The limits at the start of a run are measured minutes before the suites that are divided by them, and this
/// shared 2-core machine's speed moves by a quarter within minutes: in four full runs LPUSH -c 50 at the start
/// ranged from 73,000 to 96,000/s while the drains after it did not follow. Measured on both sides of the figure,
/// the ceiling has seen the same machine as the figure; the mean of the two is the ratio's divisor, and both
/// readings are listed in the results file. Each reading waits until this process uses less than 5 % of a core and
/// the server has no work of its own left (<c>settle</c>), as the start-of-run limits find them.
/// </remarks>
internal static class BesideCeiling
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan s_quietWindow = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_quietDeadline = TimeSpan.FromSeconds(15);

    /// <summary>Runs <paramref name="measure"/> between two readings of the limit <paramref name="rawKey"/>, when run.sh gave its command.</summary>
    /// <param name="settle">Waits for the server to be done with earlier work (a Redis AOF rewrite) before each reading.</param>
    public static async Task AroundAsync(string rawKey, string commandVariable, Results results, Func<Task> measure, Func<Task>? settle = null)
    {
        string? command = Environment.GetEnvironmentVariable(commandVariable) is { Length: > 0 } value ? value : null;
        if (command is null)
        {
            await measure().ConfigureAwait(false);
            return;
        }

        double before = await ReadQuietlyAsync(command, settle).ConfigureAwait(false);
        Console.WriteLine($"# {rawKey} before: {before:F0}/s");
        await measure().ConfigureAwait(false);
        double after = await ReadQuietlyAsync(command, settle).ConfigureAwait(false);
        Console.WriteLine($"# {rawKey} after: {after:F0}/s");
        results.Raw[rawKey] = (before + after) / 2;
        results.RawSamples[rawKey] = [before, after];
    }

    /// <summary>
    /// Reads the limit once this process is quiet: right after a measurement its runtime still compiles the code that
    /// ran (tiered compilation in the background) and a reading taken then was about a tenth lower than one taken at
    /// the start of the run or after the drains, which would flatter the figure beside it.
    /// </summary>
    private static async Task<double> ReadQuietlyAsync(string command, Func<Task>? settle)
    {
        if (settle is not null)
        {
            await settle().ConfigureAwait(false);
        }

        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < s_quietDeadline)
        {
            TimeSpan cpu = Environment.CpuUsage.TotalTime;
            // A poll of this process's own CPU use, not a wait for JobQueue's work.
            await Task.Delay(s_quietWindow).ConfigureAwait(false);
            if (Environment.CpuUsage.TotalTime - cpu < s_quietWindow / 20)
            {
                break;
            }
        }

        return await ReadAsync(command).ConfigureAwait(false);
    }

    private static async Task<double> ReadAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo(command) { RedirectStandardOutput = true, UseShellExecute = false })
            ?? throw new InvalidOperationException($"Could not start the ceiling command '{command}'.");
        using var timeout = new CancellationTokenSource(s_deadline);
        string output = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        string last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        return process.ExitCode == 0 && double.TryParse(last, NumberStyles.Float, CultureInfo.InvariantCulture, out double perSecond)
            ? perSecond
            : throw new InvalidOperationException($"The ceiling command '{command}' exited with {process.ExitCode} and printed '{last}', not a rate.");
    }
}

using System.Reflection;
using JobQueue.Diagnostics;
using JobQueue.Storage;
using Microsoft.Extensions.Logging;

namespace JobQueue.Hosting;

/// <summary>
/// Writes this host's heartbeat every <see cref="JobQueueOptions.HeartbeatInterval"/>, and at once when the host sees a
/// queue paused or resumed; prunes the records of hosts gone for an hour; removes this host's record at shutdown.
/// </summary>
internal sealed class HeartbeatWriter
{
    private const int PruneLimit = 1000;

    private static readonly string s_version = ReadVersion();

    private readonly IJobStorage _storage;
    private readonly IReadOnlyList<KeyValuePair<string, int>> _queues;
    private readonly RunningJobs _running;
    private readonly PauseWatcher _pauses;
    private readonly JobQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _hostId;
    private readonly DateTimeOffset _startedAt;

    public HeartbeatWriter(IJobStorage storage, IReadOnlyDictionary<string, int> queues, RunningJobs running, PauseWatcher pauses,
        JobQueueOptions options, TimeProvider time, ILogger logger, string hostId)
    {
        _storage = storage;
        _queues = [.. queues.OrderBy(static q => q.Key, StringComparer.Ordinal)];
        _running = running;
        _pauses = pauses;
        _options = options;
        _time = time;
        _logger = logger;
        _hostId = hostId;
        _startedAt = time.GetUtcNow();
    }

    public async Task RunAsync(CancellationToken stoppingToken)
    {
        DateTimeOffset nextPrune = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the beat reads the view, so a change while it is written brings the next beat at once.
            Task pauseChanged = _pauses.WhenChanged;
            await BeatAsync(stoppingToken).ConfigureAwait(false);

            DateTimeOffset now = _time.GetUtcNow();
            if (now >= nextPrune)
            {
                nextPrune = now + _options.PruneInterval;
                await PruneAsync(now, stoppingToken).ConfigureAwait(false);
            }

            try
            {
                await pauseChanged.WaitAsync(_options.HeartbeatInterval, _time, stoppingToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Writes one heartbeat; a failure is logged, never thrown.</summary>
    public async Task BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _storage.RecordHeartbeatAsync(Describe(_time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A store outage must not end the loop; the next beat tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.HeartbeatFailed(ex);
        }
    }

    /// <summary>Deletes this host's record (a graceful stop); a failure is logged, never thrown: the record then expires.</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _storage.RemoveHostAsync(new RemoveHostRequest { HostId = _hostId }, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Shutdown goes on; the record is listed as gone and pruned later.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.HostRemovalFailed(ex);
        }
    }

    /// <summary>What this host says of itself at <paramref name="now"/>.</summary>
    public HostHeartbeat Describe(DateTimeOffset now)
    {
        var runningPerQueue = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (ActiveJob job in _running.Snapshot())
        {
            runningPerQueue[job.Job.Queue] = runningPerQueue.GetValueOrDefault(job.Job.Queue) + 1;
        }

        var queues = new HostQueue[_queues.Count];
        int running = 0;
        for (int i = 0; i < queues.Length; i++)
        {
            (string queue, int concurrency) = _queues[i];
            int inQueue = runningPerQueue.GetValueOrDefault(queue);
            running += inQueue;
            queues[i] = new HostQueue { Queue = queue, Concurrency = concurrency, Running = inQueue, Paused = _pauses.IsPaused(queue) };
        }

        return new HostHeartbeat
        {
            HostId = _hostId,
            MachineName = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            StartedAt = _startedAt,
            Version = s_version,
            Queues = queues,
            Running = running,
            Interval = _options.HeartbeatInterval,
            SeenAt = now,
            ExpiresAt = HostLiveness.ExpiresAt(now, _options.HeartbeatInterval),
        };
    }

    private async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            int total = 0;
            int pruned;
            do
            {
                pruned = await _storage.PruneHostsAsync(new PruneHostsRequest { Now = now, Limit = PruneLimit }, cancellationToken).ConfigureAwait(false);
                total += pruned;
            }
            while (pruned == PruneLimit);

            if (total > 0)
            {
                _logger.HostsPruned(total, HostLiveness.GoneRetention);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // One failed prune must not stop the heartbeats; the next interval tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.MaintenanceFailed("prune hosts", ex);
        }
    }

    /// <summary>The informational version without its source revision ("1.2.0", not "1.2.0+3f2a..."): what an operator compares.</summary>
    private static string ReadVersion()
    {
        Assembly assembly = typeof(HeartbeatWriter).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString();
        if (version is null)
        {
            return "unknown";
        }

        int revision = version.IndexOf('+', StringComparison.Ordinal);
        return revision < 0 ? version : version[..revision];
    }
}

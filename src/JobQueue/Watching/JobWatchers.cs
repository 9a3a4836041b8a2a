using System.Runtime.CompilerServices;
using System.Threading.Channels;
using JobQueue.Client;
using JobQueue.Storage;

namespace JobQueue.Watching;

/// <summary>
/// The watches of this process (<see cref="IJobClient.WatchAsync"/>), one shared feed per watched job: however many
/// callers watch a job, each change costs one store read, whose snapshot every watcher receives. A watcher that reads
/// slower than the job changes skips to the newest snapshot (it holds one unread snapshot at most), and the final
/// snapshot is always the last one it reads.
/// </summary>
internal sealed class JobWatchers
{
    private readonly IJobStorage _storage;
    private readonly JobChanges _changes;
    private readonly TimeProvider _time;
    private readonly TimeSpan _pollInterval;
    private readonly Lock _gate = new();
    private readonly Dictionary<JobId, Feed> _feeds = [];
    private long _feedsStarted;

    public JobWatchers(IJobStorage storage, JobChanges changes, TimeProvider time, JobQueueOptions options)
    {
        _storage = storage;
        _changes = changes;
        _time = time;

        // Changes written by other processes arrive through the store's change signal, where it has one; the feed also
        // reads the job again at the engine's poll interval, the fallback when a signal is lost (and the only way on a
        // store without one, or across processes on SQLite).
        _pollInterval = TimerLimit.Clamp(options.PollInterval);
    }

    /// <summary>How many jobs are watched now (one feed each); for tests.</summary>
    internal int FeedCount
    {
        get
        {
            lock (_gate)
            {
                return _feeds.Count;
            }
        }
    }

    /// <summary>How many feeds were started since this instance was made (each reads the store); for tests.</summary>
    internal long FeedsStarted => Interlocked.Read(ref _feedsStarted);

    public async IAsyncEnumerable<JobInfo> WatchAsync(JobId id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One slot, newest wins: a slow watcher coalesces changes, never grows a backlog, never loses the final state.
        Channel<JobInfo> inbox = Channel.CreateBounded<JobInfo>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false });
        Feed feed = Join(id, inbox.Writer);
        try
        {
            while (await inbox.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (inbox.Reader.TryRead(out JobInfo? info))
                {
                    yield return info;
                }
            }
        }
        finally
        {
            Leave(feed, inbox.Writer);
        }
    }

    private Feed Join(JobId id, ChannelWriter<JobInfo> watcher)
    {
        bool start = false;
        Feed? feed;
        lock (_gate)
        {
            if (!_feeds.TryGetValue(id, out feed))
            {
                feed = new Feed(id);
                _feeds.Add(id, feed);
                start = true;
            }

            feed.Watchers.Add(watcher);

            // A late watcher starts from what the feed read last rather than waiting for the next change.
            if (feed.Last is { } last)
            {
                watcher.TryWrite(last);
            }
        }

        if (start)
        {
            Interlocked.Increment(ref _feedsStarted);
            _ = RunAsync(feed);
        }

        return feed;
    }

    private void Leave(Feed feed, ChannelWriter<JobInfo> watcher)
    {
        lock (_gate)
        {
            feed.Watchers.Remove(watcher);
            if (feed.Watchers.Count > 0)
            {
                return;
            }

            if (_feeds.TryGetValue(feed.Id, out Feed? current) && current == feed)
            {
                _feeds.Remove(feed.Id);
            }
        }

        // The last watcher left before the job finished: nobody needs its reads any more.
        feed.Stop.Cancel();
    }

    private async Task RunAsync(Feed feed)
    {
        CancellationToken stop = feed.Stop.Token;
        Task? finished = null;
        Task changed = Task.CompletedTask;
        try
        {
            while (true)
            {
                using var round = CancellationTokenSource.CreateLinkedTokenSource(stop);

                // Armed before the read: a change this process writes after the read completes it, and so does one
                // another process writes, through the store's signal.
                changed = _changes.Arm(feed.Id);
                Task changedInStore = WaitForStoreChange(feed.Id, round.Token);
                IReadOnlyList<StoredJob?> jobs = await _storage.GetJobsAsync([feed.Id], stop).ConfigureAwait(false);
                if (jobs[0] is not { } job)
                {
                    End(feed, feed.Last is null
                        ? new InvalidOperationException($"No job {feed.Id} exists in the store (never enqueued, or already pruned).")
                        : null);
                    return;
                }

                JobInfo info = JobInfoMapper.ToInfo(job);
                if (feed.Last is not { } last || Differs(last, info))
                {
                    Publish(feed, info);
                }

                if (info.IsFinished)
                {
                    End(feed, null);
                    return;
                }

                // The finish signal reaches across processes; one wait serves the feed until it fires.
                if (_storage.Capabilities.FinishSignal && finished is not { IsCompleted: false })
                {
                    finished = _storage.WaitForFinishAsync(feed.Id, stop).AsTask();
                    _ = finished.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                Task delay = Task.Delay(_pollInterval, _time, round.Token);
                await Task.WhenAny(changed, changedInStore, finished ?? delay, delay).ConfigureAwait(false);
                await round.CancelAsync().ConfigureAwait(false);
                stop.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Every watcher left.
        }
#pragma warning disable CA1031 // A store fault ends the watch with that fault, for every watcher; it never goes unobserved.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            End(feed, ex);
        }
        finally
        {
            // Stop is not disposed: a watcher leaving later still cancels it, and it holds no timer.
            _changes.Disarm(feed.Id, changed);
        }
    }

    /// <summary>
    /// The store's signal of the next change of the job (written by any process), or a task that completes only when
    /// cancelled if the store has none. Its synchronous part registers the wait, before the caller reads the job.
    /// </summary>
    private async Task WaitForStoreChange(JobId id, CancellationToken cancellationToken)
    {
        if (!_storage.Capabilities.ChangeSignal)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            await _storage.WaitForChangeAsync(id, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A signal that fails (the server is away) leaves the feed to its poll, which reports a lasting fault.
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            // Not completing here: a failing signal would otherwise make the feed read in a tight loop.
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A watcher sees a new snapshot when the state, the attempt or the progress changed.</summary>
    private static bool Differs(JobInfo last, JobInfo next)
        => last.State != next.State || last.Attempt != next.Attempt || last.Progress != next.Progress;

    private void Publish(Feed feed, JobInfo info)
    {
        lock (_gate)
        {
            feed.Last = info;
            foreach (ChannelWriter<JobInfo> watcher in feed.Watchers)
            {
                watcher.TryWrite(info);
            }
        }
    }

    private void End(Feed feed, Exception? error)
    {
        lock (_gate)
        {
            // Removed first, so a watcher that joins from now on starts a feed of its own, which reads the final state.
            if (_feeds.TryGetValue(feed.Id, out Feed? current) && current == feed)
            {
                _feeds.Remove(feed.Id);
            }

            foreach (ChannelWriter<JobInfo> watcher in feed.Watchers)
            {
                watcher.TryComplete(error);
            }
        }
    }

    private sealed class Feed(JobId id)
    {
        public JobId Id { get; } = id;

        public List<ChannelWriter<JobInfo>> Watchers { get; } = [];

        public JobInfo? Last { get; set; }

        public CancellationTokenSource Stop { get; } = new();
    }
}

using System.Diagnostics;
using System.Runtime.CompilerServices;
using JobQueue.Client;
using JobQueue.Diagnostics;
using JobQueue.Logs;
using JobQueue.Registration;
using JobQueue.Storage;
using JobQueue.Watching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JobQueue.Hosting;

/// <summary>
/// Runs one leased attempt end to end: resolves the handler, applies the timeout and the abandonment of
/// handlers that ignore it, and hands how it ended to <see cref="AttemptOutcomeWriter"/>, which writes it under the
/// attempt's lease token. Never throws: a job's failure is recorded on the job, never raised into the worker loop.
/// </summary>
internal sealed class JobExecutor
{
    // How long a job this host has no handler for stays away before it is due again (see HandBackUnknownAsync).
    private static readonly TimeSpan s_unknownJobRecheck = TimeSpan.FromSeconds(5);

    private readonly IServiceProvider _services;
    private readonly IJobStorage _storage;
    private readonly JobRegistry _registry;
    private readonly JobFactory _factory;
    private readonly IJobClient _client;
    private readonly JobQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly JobQueueDiagnostics _diagnostics;
    private readonly RunningJobs _running;
    private readonly UnknownJobs _unknownJobs;
    private readonly AbandonedHandlers _abandoned;
    private readonly JobChanges _changes;
    private readonly ILogger _logger;
    private readonly AttemptOutcomeWriter _outcomes;

    public JobExecutor(IServiceProvider services, IJobStorage storage, JobRegistry registry, JobFactory factory, IJobClient client,
        RetryPolicy retryPolicy, JobQueueOptions options, TimeProvider time, JobQueueDiagnostics diagnostics, RunningJobs running,
        UnknownJobs unknownJobs, AbandonedHandlers abandoned, JobChanges changes, ILogger<JobExecutor> logger)
    {
        _services = services;
        _storage = storage;
        _registry = registry;
        _factory = factory;
        _client = client;
        _options = options;
        _time = time;
        _diagnostics = diagnostics;
        _running = running;
        _unknownJobs = unknownJobs;
        _abandoned = abandoned;
        _changes = changes;
        _logger = logger;
        _outcomes = new AttemptOutcomeWriter(storage, retryPolicy, options, time, diagnostics, changes, logger);
    }

    /// <param name="job">A job leased by this host.</param>
    /// <param name="shutdownToken">Fires when the host stops waiting for running jobs at shutdown.</param>
    /// <param name="slot">Released once the handler has ended (or was abandoned), before the outcome is written.</param>
    public async Task ExecuteAsync(StoredJob job, CancellationToken shutdownToken, QueueSlots? slot = null)
    {
        Debug.Assert(job.State == JobState.Running && job.LeaseToken is not null, "Only leased jobs are executed.");
        // A damaged record's name may not have read at all: it is failed for good below, never handed back.
        if (job.Unreadable is null && !_registry.TryGet(job.Name, out _))
        {
            await HandBackUnknownAsync(job, slot).ConfigureAwait(false);
            return;
        }

        using IDisposable? logScope = _logger.BeginScope(new JobLogScope(job));
        using Activity? activity = StartActivity(job);
        JobMetrics.Count(_diagnostics.Started, job);
        JobMetrics.Record(_diagnostics.QueueWait, Math.Max(0, ((job.StartedAt ?? job.RunAt) - job.RunAt).TotalMilliseconds), job);
        _logger.JobStarted(job.Id, job.Name, job.Attempt);
        _changes.Changed(job.Id);
        long started = _time.GetTimestamp();

        var log = new JobLogBuffer(job.Attempt, _time);

        // Held (and its lease renewed) until the outcome is written, not just while the handler runs.
        var active = new ActiveJob(job);
        _running.Add(active);
        bool slotReleased = false;
        bool abandoned = false;
        try
        {
            AttemptOutcome outcome;
            try
            {
                // What the handler logs in this flow goes to the attempt's log (see JobLogCapture).
                JobLogCapture.Current = log;
                try
                {
                    (outcome, abandoned) = await RunAttemptAsync(job, active, shutdownToken).ConfigureAwait(false);
                }
                finally
                {
                    JobLogCapture.Current = null;
                }
            }
#pragma warning disable CA1031 // The engine's own faults must not escape into the worker loop either; they fail the attempt.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                outcome = AttemptOutcome.Failure(ex);
            }

            TimeSpan duration = _time.GetElapsedTime(started);
            JobMetrics.Record(_diagnostics.Duration, duration.TotalMilliseconds, job);
            activity?.SetTag("jobqueue.outcome", outcome.Kind.ToString());
            if (outcome.Error is not null)
            {
                activity?.SetStatus(ActivityStatusCode.Error, outcome.Error.Message);
            }

            // The slot bounds running handlers, so it is freed as soon as the handler ends: the outcome write (a
            // round trip and a commit on a network store) then overlaps the next job instead of holding a slot.
            active.BeginOutcomeWrite();
            slotReleased = true;
            slot?.Release();
            await _outcomes.SaveLogAsync(job, log).ConfigureAwait(false);
            await _outcomes.WriteAsync(job, outcome, duration).ConfigureAwait(false);
        }
        finally
        {
            _running.Remove(active);
            if (!slotReleased)
            {
                slot?.Release();
            }

            // Its key's or queue's limit has room again in the store now: a limited queue's idle loop may fetch.
            slot?.AttemptEnded();

            // An abandoned handler may still watch the token: its clean-up disposes the source when it ends.
            if (!abandoned)
            {
                active.Cancellation.Dispose();
            }
        }
    }

    // Pooled: every job awaits exactly one of these, so reusing the state machine box saves an allocation per job.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(AttemptOutcome Outcome, bool Abandoned)> RunAttemptAsync(StoredJob job, ActiveJob active, CancellationToken shutdownToken)
    {
        if (job.Unreadable is { } unreadable)
        {
            // Failed for good without running: a retry would read the same damaged record, and a handler given the
            // defaults of fields that could not be read (a zero timeout, empty arguments) could only do harm.
            return (AttemptOutcome.PermanentFailure(new UnreadableJobException(UnreadableJobException.MessageFor(unreadable))), false);
        }

        if (!_registry.TryGet(job.Name, out JobRegistration? registration))
        {
            throw new UnreachableException($"Job '{job.Name}' reached its attempt without a handler; ExecuteAsync hands such jobs back.");
        }

        object args;
        try
        {
            args = registration.Invoker.DeserializeArguments(job.Arguments, _options.SerializerOptions);
        }
        catch (JobArgumentsException ex)
        {
            return (AttemptOutcome.PermanentFailure(ex), false);
        }

        AsyncServiceScope scope = _services.CreateAsyncScope();
        var context = new JobContext(job, _client, _storage, _factory, _time, _changes, _diagnostics);
        var handler = new HandlerRun(registration.Invoker, scope.ServiceProvider, args, context, _options.SerializerOptions,
            active.Cancellation.Token, _time, _options.TimeoutGrace);
        active.Arm(job.Timeout, _time, shutdownToken);
        active.Watch(handler);
        byte[]? result;
        try
        {
            result = await handler.Start().ConfigureAwait(false);
        }
        catch (HandlerAbandonedException)
        {
            active.Disarm();
            CountAbandoned(job, active.StopReason);
            ObserveAbandoned(job, handler, scope, active.Cancellation);
            return (Classify(job, active, error: null, abandoned: true), true);
        }
#pragma warning disable CA1031 // Whatever a handler throws is recorded on the job.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            await EndAttemptAsync(active, handler, scope).ConfigureAwait(false);
            if (active.Cancellation.IsCancellationRequested)
            {
                return (Classify(job, active, ex, abandoned: false), false);
            }

            return (ex switch
            {
                PermanentJobFailureException => AttemptOutcome.PermanentFailure(ex),
                RateLimitedException rateLimited => AttemptOutcome.RateLimited(rateLimited),
                _ => AttemptOutcome.Failure(ex),
            }, false);
        }

        await EndAttemptAsync(active, handler, scope).ConfigureAwait(false);
        if (context.SnoozeDelay is { } delay)
        {
            return (AttemptOutcome.Snooze(delay), false);
        }

        if (result is not null && result.Length > _options.MaxResultSize)
        {
            // For good: the handler did its work and would return as much again, so a retry only repeats the work.
            return (AttemptOutcome.PermanentFailure(new InvalidOperationException(
                $"Job '{job.Name}' returned a result of {result.Length} bytes of JSON, over JobQueueOptions.MaxResultSize " +
                $"({_options.MaxResultSize} bytes); the result was not stored and the job failed without retry. Store large " +
                "results elsewhere (a blob store or a table) and return their key, or raise MaxResultSize.")), false);
        }

        return (AttemptOutcome.Success(result), false);
    }

    /// <summary>Counts an abandoned handler in the meter and in the in-process count a health check reads.</summary>
    private void CountAbandoned(StoredJob job, StopReason reason)
    {
        _abandoned.Abandoned();
        if (_diagnostics.HandlersAbandoned.Enabled)
        {
            string why = reason switch
            {
                StopReason.TimedOut => "timeout",
                StopReason.Cancelled => "cancelled",
                StopReason.LeaseLost => "lease_lost",
                StopReason.ShutDown => "shutdown",
                _ => "unknown",
            };
            _diagnostics.HandlersAbandoned.Add(1, new TagList
            {
                { "jobqueue.job.name", job.Name }, { "jobqueue.queue", job.Queue }, { "jobqueue.stop_reason", why },
            });
        }
    }

    /// <summary>
    /// A job whose name this host has no handler for: in a rolling deployment, an old host meets a new job type. It is
    /// handed back without spending an attempt, due again a little later so that a host that knows it can take it,
    /// until it has waited <see cref="JobQueueOptions.UnknownJobTimeout"/>; then it fails for good, naming the missing
    /// handler, so it cannot wait unseen forever.
    /// </summary>
    private async Task HandBackUnknownAsync(StoredJob job, QueueSlots? slot)
    {
        slot?.Release();
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset firstSeen = _unknownJobs.FirstSeen(job.Id, now);
        if (_unknownJobs.FirstTimeFor(job.Name))
        {
            _logger.NoHandlerHandedBack(job.Name, job.Queue, _options.UnknownJobTimeout);
        }

        if (now - firstSeen < _options.UnknownJobTimeout)
        {
            // Not at once: this host would lease it again in its next fetch. Soon enough for a host that has
            // the handler (one starting up in the same deployment) to take it.
            DateTimeOffset again = now + s_unknownJobRecheck;
            if (await _outcomes.HandBackAsync(job, again, now).ConfigureAwait(false))
            {
                _logger.NoHandlerJobHandedBack(job.Id, job.Name, again);
            }

            return;
        }

        _unknownJobs.Forget(job.Id);
        var error = new NoHandlerException(
            $"No host ran job '{job.Name}' within {_options.UnknownJobTimeout} (JobQueueOptions.UnknownJobTimeout): no handler is registered for it " +
            $"in the host that last fetched it. Call AddJob<T>() for the job that handles '{job.Name}' in a host that serves queue '{job.Queue}', " +
            "or check its [JobName] if it was renamed.");
        await _outcomes.FailForGoodAsync(job, error, now).ConfigureAwait(false);
    }

    /// <summary>The handler ended in time: its timers stop and its scope is disposed.</summary>
    private static ValueTask EndAttemptAsync(ActiveJob active, HandlerRun handler, AsyncServiceScope scope)
    {
        active.Disarm();
        handler.EndGrace();
        return scope.DisposeAsync();
    }

    /// <summary>Turns the first reason the handler's token fired into the attempt's outcome.</summary>
    private AttemptOutcome Classify(StoredJob job, ActiveJob active, Exception? error, bool abandoned)
    {
        switch (active.StopReason)
        {
            case StopReason.Cancelled:
            case StopReason.LeaseLost:
                return AttemptOutcome.Stopped();

            case StopReason.TimedOut when abandoned:
                _logger.JobAbandoned(job.Id, job.Name, job.Timeout, _options.TimeoutGrace);
                return AttemptOutcome.Failure(new TimeoutException(
                    $"Job '{job.Name}' exceeded its timeout of {job.Timeout} and ignored cancellation; it was abandoned after a grace of {_options.TimeoutGrace}."));

            case StopReason.TimedOut:
                return AttemptOutcome.Failure(new TimeoutException($"Job '{job.Name}' exceeded its timeout of {job.Timeout}.", error));

            case StopReason.ShutDown:
                return AttemptOutcome.ShutDown();

            default:
                // The token fired for none of our reasons: treat what the handler threw as an ordinary failure.
                return AttemptOutcome.Failure(error ?? new OperationCanceledException("The job's token fired for an unknown reason."));
        }
    }

    /// <summary>The abandoned handler keeps running; its scope and token source are released, and its fault logged, when it ends.</summary>
    private void ObserveAbandoned(StoredJob job, HandlerRun handler, AsyncServiceScope scope, CancellationTokenSource cancellation)
    {
        handler.WhenAbandonedHandlerEnds(finished =>
        {
            _abandoned.Ended();
            if (finished?.Exception is { } error && error.InnerException is not OperationCanceledException)
            {
                _logger.AbandonedHandlerFailed(job.Id, job.Name, error.InnerException ?? error);
            }
            else
            {
                _logger.AbandonedHandlerEnded(job.Id, job.Name, _abandoned.StillRunning);
            }

            _ = DisposeLaterAsync(scope, cancellation);
        });
    }

    private static async Task DisposeLaterAsync(AsyncServiceScope scope, CancellationTokenSource cancellation)
    {
        try
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            cancellation.Dispose();
        }
    }

    private static Activity? StartActivity(StoredJob job)
    {
        // With no tracer listening, skip parsing the parent and building the span name for every job.
        if (!JobQueueDiagnostics.ActivitySource.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        if (job.TraceParent is { } traceParent)
        {
            _ = ActivityContext.TryParse(traceParent, null, isRemote: true, out parent);
        }

        Activity? activity = JobQueueDiagnostics.ActivitySource.StartActivity($"process {job.Name}", ActivityKind.Consumer, parent);
        if (activity is not null)
        {
            activity.SetTag("jobqueue.job.id", job.Id.ToString());
            activity.SetTag("jobqueue.job.name", job.Name);
            activity.SetTag("jobqueue.queue", job.Queue);
            activity.SetTag("jobqueue.job.attempt", job.Attempt);
        }

        return activity;
    }
}

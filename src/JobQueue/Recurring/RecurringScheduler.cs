using JobQueue.Diagnostics;
using JobQueue.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobQueue.Recurring;

/// <summary>
/// The worker host's recurring-job loop: writes this application's declarations, then enqueues due occurrences, waking at
/// the next one (at most <see cref="JobQueueOptions.PollInterval"/> apart, to see schedules other processes change).
/// Every host runs it; the store's conditional claim makes each occurrence enqueued once, without a leader.
/// </summary>
/// <remarks>
/// Nothing here may stop the host: a failed store call is logged and tried again at the next pass, and a schedule this
/// host cannot run (bad stored data, a job it has no handler for) is logged once per definition and left alone, while
/// every other schedule goes on.
/// </remarks>
internal sealed class RecurringScheduler : IHostedService, IAsyncDisposable
{
    private readonly IJobStorage _storage;
    private readonly RecurringDeclarations _declarations;
    private readonly RecurringSchedules _schedules;
    private readonly RecurringSignal _signal;
    private readonly JobQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly JobQueueDiagnostics _diagnostics;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();

    // Problems already logged, by schedule id, so a schedule that cannot run is reported once per definition, not every pass.
    private readonly Dictionary<string, RecurringSchedules.Checked> _reported = new(StringComparer.Ordinal);

    // Schedules already reported as declared by no running host, with the declaration time reported.
    private readonly Dictionary<string, DateTimeOffset> _undeclaredReported = new(StringComparer.Ordinal);
    private Task? _loop;
    private bool _declarationsWritten;
    private DateTimeOffset _nextHousekeeping;

    public RecurringScheduler(IJobStorage storage, RecurringDeclarations declarations, RecurringSchedules schedules, RecurringSignal signal,
        JobQueueOptions options, TimeProvider time, JobQueueDiagnostics diagnostics, ILogger<RecurringScheduler> logger)
    {
        _storage = storage;
        _declarations = declarations;
        _schedules = schedules;
        _signal = signal;
        _options = options;
        _time = time;
        _diagnostics = diagnostics;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_loop is null || _stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            // Taken before the pass: a change made here during the pass wakes the next wait at once.
            Task changed = _signal.Changed;
            DateTimeOffset? nextDue = null;
            try
            {
                nextDue = await RunPassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The scheduler must outlive any one failed pass; the next pass tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.SchedulerStepFailed("enqueueing due occurrences", _options.PollInterval, ex);
            }

            TimeSpan delay = _options.PollInterval;
            if (nextDue is { } due)
            {
                TimeSpan untilDue = due - _time.GetUtcNow();
                delay = untilDue < delay ? untilDue : delay;
            }

            if (delay <= TimeSpan.Zero)
            {
                continue;
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                await Task.WhenAny(Task.Delay(delay, _time, wake.Token), changed).ConfigureAwait(false);
            }
            finally
            {
                await wake.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One pass: the declarations (at first, then renewed now and then), then every due schedule. Returns the earliest time
    /// something is due next, as far as this host knows; null when nothing is scheduled.
    /// </summary>
    internal async Task<DateTimeOffset?> RunPassAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        await HousekeepAsync(now, cancellationToken).ConfigureAwait(false);

        DateTimeOffset? nextDue = null;
        string? after = null;
        RecurringDueJobs page;
        do
        {
            page = await _storage.GetDueRecurringJobsAsync(new RecurringDueRequest { Now = now, Limit = RecurringTiming.DuePageSize, AfterId = after }, cancellationToken)
                .ConfigureAwait(false);
            nextDue = Earliest(nextDue, page.NextDueAt);
            var claims = new List<RecurringClaim>(page.Jobs.Count);
            var plans = new List<(StoredRecurringJob Job, OccurrencePlan Plan)>(page.Jobs.Count);
            foreach (StoredRecurringJob job in page.Jobs)
            {
                if (Plan(job, now) is { } planned)
                {
                    claims.Add(planned.Claim);
                    plans.Add((job, planned.Plan));

                    // Whether this host wins or another one does, the schedule most likely goes on there.
                    nextDue = Earliest(nextDue, planned.Claim.NewNextRunAt);
                }
            }

            if (claims.Count > 0)
            {
                IReadOnlyList<RecurringClaimOutcome> outcomes = await _storage.ClaimRecurringOccurrencesAsync(
                    new RecurringClaimRequest { Claims = claims, Now = now }, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < outcomes.Count; i++)
                {
                    Report(plans[i].Job, plans[i].Plan, claims[i], outcomes[i], now);
                }
            }

            after = page.Jobs.Count > 0 ? page.Jobs[^1].Id : null;
        }
        while (page.Jobs.Count == RecurringTiming.DuePageSize);

        return nextDue;
    }

    private (RecurringClaim Claim, OccurrencePlan Plan)? Plan(StoredRecurringJob job, DateTimeOffset now)
    {
        RecurringSchedules.Checked check = _schedules.Check(job);
        if (check.Problem is not null || check.Schedule is null || check.Registration is null)
        {
            if (!_reported.TryGetValue(job.Id, out RecurringSchedules.Checked? reported) || !reported.IsFor(job))
            {
                _reported[job.Id] = check;
                _logger.ScheduleCannotRun(job.Id, check.Problem ?? "it could not be checked");
            }

            return null;
        }

        _reported.Remove(job.Id);
        MisfirePolicy misfire = Enum.IsDefined(job.Misfire) ? job.Misfire : MisfirePolicy.RunOnce;
        OverlapPolicy overlap = Enum.IsDefined(job.Overlap) ? job.Overlap : OverlapPolicy.Allow;
        OccurrencePlan plan = OccurrencePlanner.Plan(check.Schedule, job.NextRunAt, now, _options.RecurringMisfireThreshold, misfire, job.MaxCatchUp, overlap);
        var jobs = new NewJob[plan.Occurrences.Count];
        for (int i = 0; i < jobs.Length; i++)
        {
            jobs[i] = RecurringJobFactory.Create(job, check.Registration, plan.Occurrences[i]);
        }

        var claim = new RecurringClaim
        {
            Id = job.Id,
            Version = job.Version,
            NextRunAt = job.NextRunAt,
            NewNextRunAt = plan.NewNextRunAt,
            Jobs = jobs,
            SkipIfLastJobUnfinished = overlap == OverlapPolicy.Skip,
            SkippedAt = plan.DroppedAt,
        };
        return (claim, plan);
    }

    private void Report(StoredRecurringJob job, OccurrencePlan plan, RecurringClaim claim, RecurringClaimOutcome outcome, DateTimeOffset now)
    {
        var id = new KeyValuePair<string, object?>("jobqueue.recurring.id", job.Id);
        switch (outcome)
        {
            case RecurringClaimOutcome.Claimed:
                if (claim.Jobs.Count > 0)
                {
                    _diagnostics.RecurringEnqueued.Add(claim.Jobs.Count, id);
                    _diagnostics.Enqueued.Add(claim.Jobs.Count, new KeyValuePair<string, object?>("jobqueue.job.name", claim.Jobs[0].Name),
                        new KeyValuePair<string, object?>("jobqueue.queue", claim.Jobs[0].Queue));
                    _logger.OccurrencesEnqueued(job.Id, claim.Jobs.Count, claim.Jobs[^1].RunAt);
                }

                if (plan.Dropped > 0)
                {
                    _diagnostics.RecurringSkipped.Add(plan.Dropped, id, new KeyValuePair<string, object?>("jobqueue.recurring.reason", plan.Missed > 0 ? "misfire" : "overlap"));
                }

                if (plan.Missed > 0)
                {
                    // Of the missed occurrences, those the misfire policy kept; the on-time ones enqueued with them are not counted.
                    DateTimeOffset cutoff = now - _options.RecurringMisfireThreshold;
                    int caughtUp = claim.Jobs.Count(j => j.RunAt < cutoff);
                    _logger.OccurrencesMissed(job.Id, plan.Missed, plan.MissedSince!.Value, _options.RecurringMisfireThreshold, job.Misfire,
                        caughtUp, plan.Missed - caughtUp);
                }

                break;
            case RecurringClaimOutcome.SkippedOverlap:
                _diagnostics.RecurringSkipped.Add(plan.Occurrences.Count + plan.Dropped, id, new KeyValuePair<string, object?>("jobqueue.recurring.reason", "overlap"));
                _logger.OverlapSkipped(job.Id, plan.Occurrences.Count > 0 ? plan.Occurrences[^1] : job.NextRunAt);
                break;
            default:
                // Another host claimed these occurrences first (or the schedule changed meanwhile): nothing to report.
                break;
        }
    }

    /// <summary>Writes the declarations at first; then, once a minute, renews them, reports undeclared schedules and prunes old ones.</summary>
    private async Task HousekeepAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_declarationsWritten && now < _nextHousekeeping)
        {
            return;
        }

        try
        {
            if (!_declarationsWritten)
            {
                await WriteDeclarationsAsync(now, cancellationToken).ConfigureAwait(false);
                _declarationsWritten = true;
            }
            else if (_declarations.Jobs.Count > 0)
            {
                await _storage.DeclareRecurringJobsAsync(
                    new RecurringDeclareRequest { Ids = [.. _declarations.Jobs.Select(static j => j.Definition.Id)], Now = now }, cancellationToken)
                    .ConfigureAwait(false);
            }

            await ReportUndeclaredAsync(now, cancellationToken).ConfigureAwait(false);
            _nextHousekeeping = now + RecurringTiming.DeclarationInterval;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // Bookkeeping must not keep due occurrences from being enqueued; the next pass tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.SchedulerStepFailed(_declarationsWritten ? "renewing declarations" : "writing the recurring jobs declared in code", _options.PollInterval, ex);
        }
    }

    private async Task WriteDeclarationsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_declarations.Jobs.Count == 0)
        {
            return;
        }

        RecurringJobDefinition[] definitions = [.. _declarations.Jobs.Select(j => j.Definition with { NextRunAt = j.Schedule.Next(now) })];
        IReadOnlyList<RecurringUpsertOutcome> outcomes = await _storage.UpsertRecurringJobsAsync(
            new RecurringUpsertRequest { Jobs = definitions, Declared = true, Now = now }, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < outcomes.Count; i++)
        {
            if (outcomes[i] == RecurringUpsertOutcome.Updated)
            {
                _logger.DeclarationUpdated(definitions[i].Id);
            }
        }

        _logger.DeclarationsWritten(
            outcomes.Count(static o => o == RecurringUpsertOutcome.Created),
            outcomes.Count(static o => o == RecurringUpsertOutcome.Updated),
            outcomes.Count(static o => o == RecurringUpsertOutcome.Unchanged));
        _signal.Set();
    }

    private async Task ReportUndeclaredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredRecurringJob> all = await _storage.GetRecurringJobsAsync(new RecurringJobQuery(), cancellationToken).ConfigureAwait(false);
        _schedules.Retain([.. all.Select(static j => j.Id)]);
        foreach (StoredRecurringJob job in all)
        {
            if (job.DeclaredAt is not { } declaredAt || declaredAt >= now - RecurringTiming.DeclaredWindow)
            {
                _undeclaredReported.Remove(job.Id);
                continue;
            }

            if (_undeclaredReported.TryGetValue(job.Id, out DateTimeOffset reported) && reported == declaredAt)
            {
                continue;
            }

            _undeclaredReported[job.Id] = declaredAt;
            if (_options.UndeclaredRecurringJobRetention is { } retention)
            {
                _logger.ScheduleUndeclared(job.Id, declaredAt, declaredAt + retention);
            }
            else
            {
                _logger.ScheduleUndeclaredKept(job.Id, declaredAt);
            }
        }

        if (_options.UndeclaredRecurringJobRetention is { } keep)
        {
            IReadOnlyList<string> pruned;
            do
            {
                pruned = await _storage.PruneRecurringJobsAsync(new RecurringPruneRequest { DeclaredBefore = now - keep, Limit = RecurringTiming.DuePageSize }, cancellationToken)
                    .ConfigureAwait(false);
                foreach (string id in pruned)
                {
                    _undeclaredReported.Remove(id);
                    _logger.SchedulePruned(id, keep);
                }
            }
            while (pruned.Count == RecurringTiming.DuePageSize);
        }
    }

    private static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b)
        => a is null ? b : b is null ? a : a < b ? a : b;
}

using JobQueue.Client;
using JobQueue.Registration;
using JobQueue.Storage;

namespace JobQueue.Recurring;

/// <summary>The <see cref="IRecurringJobs"/> AddJobQueue registers.</summary>
internal sealed class RecurringJobs : IRecurringJobs
{
    private readonly IJobStorage _storage;
    private readonly JobRegistry _registry;
    private readonly JobFactory _factory;
    private readonly RecurringSchedules _schedules;
    private readonly RecurringSignal _signal;
    private readonly JobQueueOptions _options;
    private readonly TimeProvider _time;

    public RecurringJobs(IJobStorage storage, JobRegistry registry, JobFactory factory, RecurringSchedules schedules, RecurringSignal signal, JobQueueOptions options,
        TimeProvider time)
    {
        _storage = storage;
        _registry = registry;
        _factory = factory;
        _schedules = schedules;
        _signal = signal;
        _options = options;
        _time = time;
    }

    public async ValueTask AddOrUpdateAsync<TArgs>(string id, string cron, TArgs args, RecurringJobOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        string context = $"AddOrUpdateAsync(\"{id}\")";
        RecurringIds.Validate(id, "AddOrUpdateAsync");
        ArgumentNullException.ThrowIfNull(args);
        options ??= new RecurringJobOptions();
        RecurringOptionsValidator.Validate(options, context);
        CronSchedule schedule = CronSchedule.Parse(cron, options.TimeZone, context);
        JobContract contract = _factory.Contract<TArgs>();
        DateTimeOffset now = _time.GetUtcNow();
        var definition = new RecurringJobDefinition
        {
            Id = id,
            Name = contract.Name,
            Cron = cron,
            TimeZone = options.TimeZone,
            Arguments = RecurringArguments.Serialize(args, typeof(TArgs), _options, id, contract.Name),
            Queue = options.Queue,
            Priority = options.Priority,
            Misfire = options.Misfire,
            MaxCatchUp = options.MaxCatchUp,
            Overlap = options.Overlap,
            NextRunAt = schedule.Next(now),
        };
        await _storage.UpsertRecurringJobsAsync(new RecurringUpsertRequest { Jobs = [definition], Declared = false, Now = now }, cancellationToken)
            .ConfigureAwait(false);
        _signal.Set();
    }

    public async ValueTask<bool> RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        bool removed = await _storage.RemoveRecurringJobAsync(id, cancellationToken).ConfigureAwait(false);
        _signal.Set();
        return removed;
    }

    public async ValueTask<JobId> TriggerAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        StoredRecurringJob job = await GetAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"No recurring job \"{id}\" exists; nothing was enqueued. ListAsync shows the ones that do.");
        if (!_registry.TryGet(job.Name, out JobRegistration? registration))
        {
            throw new InvalidOperationException(
                $"Recurring job \"{id}\" runs job '{job.Name}', which has no handler registered in this process; nothing was enqueued. Call AddJob<T>() for it here.");
        }

        DateTimeOffset now = _time.GetUtcNow();
        NewJob run = RecurringJobFactory.Create(job, registration, now);
        if (!await _storage.TriggerRecurringJobAsync(new RecurringTriggerRequest { Id = id, Job = run, Now = now }, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Recurring job \"{id}\" was removed while it was being triggered; nothing was enqueued.");
        }

        return run.Id;
    }

    public async ValueTask<bool> PauseAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        DateTimeOffset now = _time.GetUtcNow();
        bool found = await _storage.SetRecurringJobPausedAsync(new RecurringPauseRequest { Id = id, Paused = true, NextRunAt = now, Now = now }, cancellationToken)
            .ConfigureAwait(false);
        _signal.Set();
        return found;
    }

    public async ValueTask<bool> ResumeAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (await GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } job)
        {
            return false;
        }

        // Occurrences that fell while paused are not replayed: the schedule goes on from its next occurrence after now.
        // A cron that no longer parses is due at once, so that hosts report its problem.
        DateTimeOffset now = _time.GetUtcNow();
        DateTimeOffset next = CronSchedule.TryParse(job.Cron, job.TimeZone, out CronSchedule? schedule, out _) ? schedule.Next(now) : now;
        bool found = await _storage.SetRecurringJobPausedAsync(new RecurringPauseRequest { Id = id, Paused = false, NextRunAt = next, Now = now }, cancellationToken)
            .ConfigureAwait(false);
        _signal.Set();
        return found;
    }

    public async ValueTask<IReadOnlyList<RecurringJobInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<StoredRecurringJob> jobs = await _storage.GetRecurringJobsAsync(new RecurringJobQuery(), cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        var infos = new List<RecurringJobInfo>(jobs.Count);
        foreach (StoredRecurringJob job in jobs)
        {
            infos.Add(ToInfo(job, now));
        }

        return infos;
    }

    private async ValueTask<StoredRecurringJob?> GetAsync(string id, CancellationToken cancellationToken)
    {
        IReadOnlyList<StoredRecurringJob> found = await _storage.GetRecurringJobsAsync(new RecurringJobQuery { Id = id }, cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0] : null;
    }

    private RecurringJobInfo ToInfo(StoredRecurringJob job, DateTimeOffset now)
    {
        RecurringSchedules.Checked check = _schedules.Check(job);
        JobOptions? defaults = check.Registration?.Options ?? (_registry.TryGet(job.Name, out JobRegistration? registration) ? registration.Options : null);
        DateTimeOffset? next = job.Paused || job.NextRunAt == CronSchedule.Never ? null : job.NextRunAt;
        return new RecurringJobInfo
        {
            Id = job.Id,
            Cron = job.Cron,
            TimeZone = job.TimeZone,
            Name = job.Name,
            Queue = job.Queue ?? defaults?.Queue ?? JobQueueOptions.DefaultQueueName,
            Priority = job.Priority ?? defaults?.Priority ?? 0,
            Misfire = job.Misfire,
            MaxCatchUp = job.MaxCatchUp,
            Overlap = job.Overlap,
            Paused = job.Paused,
            NextRunAt = next,
            UpcomingRuns = next is { } from && check.Schedule is { } schedule ? schedule.Upcoming(from, RecurringTiming.UpcomingCount) : [],
            LastRunAt = job.LastRunAt,
            LastJobId = job.LastJobId,
            LastSkippedAt = job.LastSkippedAt,
            DeclaredInCode = job.DeclaredAt is not null,
            DeclaredByRunningHost = job.DeclaredAt is { } declared && declared >= now - RecurringTiming.DeclaredWindow,
            LastDeclaredAt = job.DeclaredAt,
            CreatedAt = job.CreatedAt,
            UpdatedAt = job.UpdatedAt,
            Problem = check.Problem,
        };
    }
}

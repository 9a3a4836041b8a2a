using System.Collections.Concurrent;
using JobQueue.Registration;
using JobQueue.Storage;

namespace JobQueue.Recurring;

/// <summary>
/// Reads a stored recurring job as this process can run it: its parsed schedule and its job's registration, or why it
/// cannot run here (a cron expression or time zone that does not parse, a job name without a handler, arguments that no
/// longer fit the job's type). Checked once per definition, not on every pass.
/// </summary>
internal sealed class RecurringSchedules
{
    private readonly JobRegistry _registry;
    private readonly JobQueueOptions _options;
    private readonly ConcurrentDictionary<string, Checked> _checked = new(StringComparer.Ordinal);

    public RecurringSchedules(JobRegistry registry, JobQueueOptions options)
    {
        _registry = registry;
        _options = options;
    }

    public Checked Check(StoredRecurringJob job)
    {
        if (_checked.TryGetValue(job.Id, out Checked? known) && known.IsFor(job))
        {
            return known;
        }

        Checked fresh = CheckNow(job);
        _checked[job.Id] = fresh;
        return fresh;
    }

    /// <summary>Forgets schedules that are gone, so the cache does not grow with removed ids.</summary>
    public void Retain(IReadOnlyCollection<string> ids)
    {
        var keep = new HashSet<string>(ids, StringComparer.Ordinal);
        foreach (string id in _checked.Keys)
        {
            if (!keep.Contains(id))
            {
                _checked.TryRemove(id, out _);
            }
        }
    }

    private Checked CheckNow(StoredRecurringJob job)
    {
        if (!CronSchedule.TryParse(job.Cron, job.TimeZone, out CronSchedule? schedule, out string? problem))
        {
            return new Checked(job, null, null, problem);
        }

        if (!_registry.TryGet(job.Name, out JobRegistration? registration))
        {
            return new Checked(job, schedule, null,
                $"no handler is registered in this process for job '{job.Name}'; call AddJob<T>() for it, or check its [JobName] if it was renamed");
        }

        try
        {
            registration.Invoker.DeserializeArguments(job.Arguments, _options.SerializerOptions);
        }
        catch (JobArgumentsException ex)
        {
            return new Checked(job, schedule, registration, $"its stored arguments no longer fit job '{job.Name}': {ex.Message}");
        }

        return new Checked(job, schedule, registration, null);
    }

    /// <summary>The outcome of a check; <see cref="Problem"/> is null when the schedule can run in this process.</summary>
    internal sealed class Checked(StoredRecurringJob job, CronSchedule? schedule, JobRegistration? registration, string? problem)
    {
        private readonly long _version = job.Version;
        private readonly string _name = job.Name;
        private readonly string _cron = job.Cron;
        private readonly string _timeZone = job.TimeZone;
        private readonly byte[] _arguments = job.Arguments;

        public CronSchedule? Schedule { get; } = schedule;

        public JobRegistration? Registration { get; } = registration;

        public string? Problem { get; } = problem;

        /// <summary>Whether this check still holds for <paramref name="job"/>: its definition is the one checked.</summary>
        public bool IsFor(StoredRecurringJob job) =>
            job.Version == _version
            && string.Equals(job.Name, _name, StringComparison.Ordinal)
            && string.Equals(job.Cron, _cron, StringComparison.Ordinal)
            && string.Equals(job.TimeZone, _timeZone, StringComparison.Ordinal)
            && job.Arguments.AsSpan().SequenceEqual(_arguments);
    }
}

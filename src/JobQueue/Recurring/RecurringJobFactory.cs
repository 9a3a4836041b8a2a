using System.Diagnostics;
using JobQueue.Registration;
using JobQueue.Storage;

namespace JobQueue.Recurring;

/// <summary>Makes the job of one run of a recurring job: the schedule's arguments, queue and priority, the job type's other options.</summary>
internal static class RecurringJobFactory
{
    public static NewJob Create(StoredRecurringJob schedule, JobRegistration registration, DateTimeOffset runAt)
    {
        JobOptions defaults = registration.Options;
        return new NewJob
        {
            Id = JobId.New(),
            Name = registration.Name,
            Queue = schedule.Queue ?? defaults.Queue,
            Priority = schedule.Priority ?? defaults.Priority,
            Arguments = schedule.Arguments,
            MaxAttempts = defaults.MaxAttempts,
            Timeout = defaults.Timeout,
            RetryDelay = defaults.RetryDelay,
            RunAt = runAt,
            TraceParent = Activity.Current?.Id,
        };
    }
}

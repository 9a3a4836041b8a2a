using Microsoft.Extensions.Logging;

namespace JobQueue.Diagnostics;

/// <summary>The log messages of recurring jobs, source-generated, with stable event ids: 31xx, beside maintenance (3xxx).</summary>
internal static partial class RecurringLog
{
    [LoggerMessage(EventId = 3101, Level = LogLevel.Information,
        Message = "Recurring jobs declared in code written to the store: {Created} created, {Updated} updated in place, {Unchanged} unchanged")]
    public static partial void DeclarationsWritten(this ILogger logger, int created, int updated, int unchanged);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information,
        Message = "Recurring job {Id}: its declaration in code differs from the stored one (cron, time zone, arguments or options); updated in place")]
    public static partial void DeclarationUpdated(this ILogger logger, string id);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Recurring job {Id}: enqueued {Count} occurrence(s), the last due at {RunAt}")]
    public static partial void OccurrencesEnqueued(this ILogger logger, string id, int count, DateTimeOffset runAt);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning,
        Message = "Recurring job {Id} missed {Missed} occurrence(s) since {Since}: no host enqueued them within JobQueueOptions.RecurringMisfireThreshold ({Threshold}). Misfire policy {Policy}: {Enqueued} enqueued now, {Dropped} dropped")]
    public static partial void OccurrencesMissed(this ILogger logger, string id, int missed, DateTimeOffset since, TimeSpan threshold, MisfirePolicy policy,
        int enqueued, int dropped);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Information,
        Message = "Recurring job {Id}: the occurrence due at {RunAt} was skipped because the schedule's previous job has not finished (OverlapPolicy.Skip)")]
    public static partial void OverlapSkipped(this ILogger logger, string id, DateTimeOffset runAt);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error,
        Message = "Recurring job {Id} cannot be enqueued by this host: {Problem}. It is left as it is, for a host that can run it or for a fix (IRecurringJobs.AddOrUpdateAsync or RemoveAsync); other recurring jobs go on")]
    public static partial void ScheduleCannotRun(this ILogger logger, string id, string problem);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning,
        Message = "Recurring job {Id} is declared in code by no running host since {LastDeclaredAt}: it still runs, and is removed at {RemoveAt} unless a host declares it again. Remove it now with IRecurringJobs.RemoveAsync if it is gone from the code")]
    public static partial void ScheduleUndeclared(this ILogger logger, string id, DateTimeOffset lastDeclaredAt, DateTimeOffset removeAt);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning,
        Message = "Recurring job {Id} is declared in code by no running host since {LastDeclaredAt}: it still runs, and is kept until IRecurringJobs.RemoveAsync (JobQueueOptions.UndeclaredRecurringJobRetention is null)")]
    public static partial void ScheduleUndeclaredKept(this ILogger logger, string id, DateTimeOffset lastDeclaredAt);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Information,
        Message = "Removed recurring job {Id}: no running host declared it in code for {Retention} (JobQueueOptions.UndeclaredRecurringJobRetention)")]
    public static partial void SchedulePruned(this ILogger logger, string id, TimeSpan retention);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Recurring scheduler: {Step} failed; trying again in {Delay}")]
    public static partial void SchedulerStepFailed(this ILogger logger, string step, TimeSpan delay, Exception error);
}

namespace JobQueue.Recurring;

/// <summary>A recurring job as <c>AddRecurringJob</c> received it, checked but not yet bound to a registration.</summary>
internal sealed record RecurringDeclaration(string Id, string Cron, Type ArgsType, object Args, RecurringJobOptions Options, CronSchedule Schedule);

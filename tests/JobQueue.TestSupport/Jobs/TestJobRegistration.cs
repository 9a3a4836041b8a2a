namespace JobQueue.TestSupport.Jobs;

/// <summary>Registers every test job with short retry delays, so retries in tests take milliseconds.</summary>
public static class TestJobRegistration
{
    /// <summary>Adds every job in <see cref="JobQueue.TestSupport.Jobs"/>.</summary>
    public static JobQueueBuilder AddTestJobs(this JobQueueBuilder q)
    {
        ArgumentNullException.ThrowIfNull(q);
        static void Fast(JobOptions j) => j.RetryDelay = TimeSpan.FromMilliseconds(10);
        q.AddJob<RecordJob>(Fast);
        q.AddJob<AddJob>(Fast);
        q.AddJob<FlakyJob>(Fast);
        q.AddJob<GateJob>(Fast);
        q.AddJob<SnoozeJob>(Fast);
        q.AddJob<ChildJob>(Fast);
        q.AddJob<CallbackJob>(Fast);
        q.AddJob<ProgressJob>(Fast);
        return q;
    }
}

namespace JobQueue.Dashboard.Endpoints;

/// <summary>What the overview shows, and what /api/overview and the live stream send: counts by state, queues, throughput.</summary>
internal sealed record OverviewData(
    IReadOnlyDictionary<string, long> States,
    IReadOnlyList<QueueInfo> Queues,
    IReadOnlyList<ThroughputBar> LastHour,
    IReadOnlyList<ThroughputBar> LastDay,
    DateTimeOffset At)
{
    public static async Task<OverviewData> ReadAsync(DashboardRequest request)
    {
        IReadOnlyList<QueueInfo> queues = await request.Admin.GetQueuesAsync(request.Aborted).ConfigureAwait(false);
        IReadOnlyList<ThroughputPoint> points = await request.Admin.GetThroughputAsync(request.Aborted).ConfigureAwait(false);
        DateTimeOffset now = request.Time.GetUtcNow();
        var states = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            [nameof(JobState.Scheduled)] = queues.Sum(q => q.Scheduled),
            [nameof(JobState.Enqueued)] = queues.Sum(q => q.Enqueued),
            [nameof(JobState.Running)] = queues.Sum(q => q.Running),
            [nameof(JobState.Succeeded)] = queues.Sum(q => q.Succeeded),
            [nameof(JobState.Failed)] = queues.Sum(q => q.Failed),
            [nameof(JobState.Cancelled)] = queues.Sum(q => q.Cancelled),
            [nameof(JobState.Awaiting)] = queues.Sum(q => q.Awaiting),
        };
        return new OverviewData(states, queues, ThroughputBar.Bucket(points, now, TimeSpan.FromHours(1), 60),
            ThroughputBar.Bucket(points, now, TimeSpan.FromHours(24), 144), now);
    }
}

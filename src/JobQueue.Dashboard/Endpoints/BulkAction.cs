namespace JobQueue.Dashboard.Endpoints;

/// <summary>
/// Retry, cancel or delete on many jobs: which states each applies to, how many match (the preview) and the run,
/// capped at <see cref="DashboardOptions.MaxBulkJobs"/>.
/// </summary>
internal static class BulkAction
{
    public static readonly string[] Names = ["retry", "cancel", "delete"];

    public static JobState[] StatesFor(string action, JobState? state)
    {
        JobState[] applicable = action switch
        {
            "retry" => [JobState.Failed, JobState.Cancelled],
            "delete" => [JobState.Succeeded, JobState.Failed, JobState.Cancelled],
            _ => [JobState.Scheduled, JobState.Enqueued, JobState.Running, JobState.Awaiting],
        };
        return state is { } s ? (applicable.Contains(s) ? [s] : []) : applicable;
    }

    /// <summary>How many jobs match the filter in the states the action applies to (each state counted up to the store's limit).</summary>
    public static async Task<(long Count, bool Exact)> CountAsync(DashboardRequest request, string action, JobQuery query)
    {
        long count = 0;
        bool exact = true;
        foreach (JobState state in StatesFor(action, query.State))
        {
            JobPage page = await request.Admin.QueryJobsAsync(query.ToFilter(state) with { PageSize = 1, Continuation = null }, request.Aborted).ConfigureAwait(false);
            count += page.Total;
            exact &= page.TotalIsExact;
        }

        return (count, exact);
    }

    public static async Task<int> RunAsync(DashboardRequest request, string action, JobQuery query)
    {
        int cap = request.Options.MaxBulkJobs;
        JobFilter filter = query.ToFilter(query.State) with { Continuation = null };
        switch (action)
        {
            case "retry":
                return StatesFor(action, query.State).Length == 0 ? 0 : await request.Admin.RetryManyAsync(filter, cap, request.Aborted).ConfigureAwait(false);
            case "delete":
                return StatesFor(action, query.State).Length == 0 ? 0 : await request.Admin.DeleteManyAsync(filter, cap, request.Aborted).ConfigureAwait(false);
            default:
                // The store has no bulk cancel: page through the unfinished jobs and cancel one by one, up to the cap.
                int cancelled = 0;
                foreach (JobState state in StatesFor(action, query.State))
                {
                    string? after = null;
                    do
                    {
                        JobPage page = await request.Admin.QueryJobsAsync(query.ToFilter(state) with { PageSize = 100, Continuation = after }, request.Aborted).ConfigureAwait(false);
                        foreach (JobInfo job in page.Jobs)
                        {
                            if (cancelled >= cap)
                            {
                                return cancelled;
                            }

                            if (await request.Client.CancelAsync(job.Id, request.Aborted).ConfigureAwait(false))
                            {
                                cancelled++;
                            }
                        }

                        after = page.Continuation;
                    }
                    while (after is not null);
                }

                return cancelled;
        }
    }
}

namespace JobQueue.Dashboard.Endpoints;

/// <summary>Retry, cancel or delete one job, and what came of it.</summary>
internal static class JobActions
{
    public enum Outcome
    {
        Done,
        Missing,
        Refused,
    }

    public static async Task<Outcome> RunAsync(DashboardRequest request, string action, JobId id)
    {
        try
        {
            bool found = action switch
            {
                "retry" => await request.Admin.RetryAsync(id, request.Aborted).ConfigureAwait(false),
                "delete" => await request.Admin.DeleteAsync(id, request.Aborted).ConfigureAwait(false),
                _ => await CancelAsync(request, id).ConfigureAwait(false),
            };
            return found ? Outcome.Done : Outcome.Missing;
        }
        catch (JobOperationRefusedException)
        {
            return Outcome.Refused;
        }
    }

    // CancelAsync answers false both for a missing job and for one that already finished; tell them apart for the notice.
    private static async Task<bool> CancelAsync(DashboardRequest request, JobId id)
    {
        if (await request.Client.CancelAsync(id, request.Aborted).ConfigureAwait(false))
        {
            return true;
        }

        return await request.Client.GetAsync(id, request.Aborted).ConfigureAwait(false) is null
            ? false
            : throw new JobOperationRefusedException("The job has finished: there is nothing to cancel.");
    }
}

namespace JobQueue.TestSupport;

/// <summary>What every shared store must show after <see cref="KillOneWorkerScenario"/>.</summary>
public static class KillOneWorkerAssertions
{
    /// <summary>Throws with a precise message unless nothing was lost and duplicates came only from the killed process.</summary>
    public static void NothingLostDuplicatesOnlyInFlight(KillOneWorkerScenario.Result result)
    {
        var problems = new List<string>();
        int notSucceeded = result.Jobs.Count(j => j.State != JobState.Succeeded);
        if (notSucceeded > 0)
        {
            problems.Add($"{notSucceeded} jobs did not succeed: {string.Join(", ", result.Jobs.Where(j => j.State != JobState.Succeeded).Take(5).Select(j => $"{j.Id} {j.State}"))}");
        }

        int[] neverFinished = Enumerable.Range(0, result.Jobs.Count).Where(n => !result.FinishedJobs.Contains(n)).ToArray();
        if (neverFinished.Length > 0)
        {
            problems.Add($"{neverFinished.Length} jobs never finished a run: {string.Join(", ", neverFinished.Take(10))}");
        }

        foreach (int n in result.RunTwice)
        {
            // A second run is allowed only for a job that was in flight in the killed process, which the
            // store then rescued once its lease expired.
            IReadOnlyList<int> starts = result.StartsByJob[n];
            if (!starts.Contains(result.KilledProcessId) || !result.Rescued.Contains(n) || starts.Count != 2)
            {
                problems.Add($"job {n} ran {starts.Count} times in processes {string.Join(", ", starts)} (killed: {result.KilledProcessId}, rescued: {result.Rescued.Contains(n)})");
            }
        }

        if (result.Rescued.Count == 0)
        {
            int startedInKilled = result.StartsByJob.Count(p => p.Value.Contains(result.KilledProcessId));
            string errorTypes = string.Join(", ", result.Jobs.SelectMany(j => j.Errors).Select(e => e.Type).Distinct());
            problems.Add($"no job was rescued: the killed worker (started {startedInKilled} jobs) had nothing in flight, so the test proved nothing; error types seen: [{errorTypes}]; at the kill: {result.StateAtKill}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Kill-one-worker scenario failed:\n" + string.Join("\n", problems) + "\nWorker logs:\n" + result.WorkerOutput);
        }
    }
}

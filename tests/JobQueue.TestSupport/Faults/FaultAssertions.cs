namespace JobQueue.TestSupport.Faults;

/// <summary>What every store must show after each fault of a <see cref="FaultSuite"/>.</summary>
public static class FaultAssertions
{
    /// <summary>
    /// Throws with the phase's timeline unless: the fault met work in flight; every job succeeded and its handler ran
    /// to its end (no job lost); only runs in flight during the fault were repeated, each once, and only after a rescue
    /// took their lease; the host finished new work within <see cref="FaultSuite.RecoveryBound"/> of the fault's end
    /// (no restart); and an outage was logged, or for a fault that only slows the store, no store call timed out.
    /// </summary>
    public static void RecoveredNothingLostOnlyInFlightRepeated(FaultPhaseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var problems = new List<string>();
        if (result.RunningAtStrike.Count != FaultSuite.Concurrency)
        {
            problems.Add($"{result.RunningAtStrike.Count} jobs were running at the strike, not {FaultSuite.Concurrency}: the gate holds every slot until then, so the fault must meet work in flight");
        }

        int[] notSucceeded = [.. result.Numbers.Where((n, i) => result.Jobs[i].State != JobState.Succeeded)];
        if (notSucceeded.Length > 0)
        {
            problems.Add($"{notSucceeded.Length} jobs did not succeed (a fault costs time, not jobs): {string.Join(", ", notSucceeded.Take(10))}");
        }

        var finished = result.Runs.Where(run => run.FinishedAt is not null).Select(run => run.N).ToHashSet();
        int[] neverFinished = [.. result.Numbers.Where(n => !finished.Contains(n))];
        if (neverFinished.Length > 0)
        {
            problems.Add($"{neverFinished.Length} jobs never ran to their end (lost): {string.Join(", ", neverFinished.Take(10))}");
        }

        Dictionary<int, JobInfo> byNumber = result.Numbers.Zip(result.Jobs).ToDictionary(pair => pair.First, pair => pair.Second);
        foreach (IGrouping<int, Jobs.RunTimeline.Run> runs in result.Runs.GroupBy(run => run.N).Where(group => group.Count() > 1))
        {
            // Every run but the last was lost to the fault, so it must have started before the fault ended; and each
            // was taken away by a rescue of its lapsed lease, which records a lease-expired error.
            int early = runs.SkipLast(1).Count(run => run.StartedAt >= result.HealingAt);
            if (early > 0)
            {
                problems.Add($"job {runs.Key} ran {runs.Count()} times, and {early} of its repeated runs started after the fault ended: only a run in flight during the fault may be repeated");
            }

            int rescues = FaultPhaseResult.Rescues(byNumber[runs.Key]);
            if (rescues < runs.Count() - 1)
            {
                problems.Add($"job {runs.Key} ran {runs.Count()} times but was rescued {rescues} times: a run is repeated only after a rescue took its lease");
            }
        }

        if (result.RunTwice.Count > result.InFlight.Count)
        {
            problems.Add($"{result.RunTwice.Count} jobs ran twice, more than the {result.InFlight.Count} in flight during the fault");
        }

        if (result.Recovery is not TimeSpan recovery)
        {
            problems.Add("no run that started after the fault ended ran to its end: the host did not work again");
        }
        else if (recovery >= FaultSuite.RecoveryBound)
        {
            problems.Add($"the host took {recovery.TotalSeconds:0.0} s after the fault ended to finish new work, over {FaultSuite.RecoveryBound.TotalSeconds} s: it limped back instead of recovering");
        }

        if (result.Phase.IsOutage && !result.Logs.Any(entry => FaultPhaseResult.OutageEvents.Contains(entry.EventId.Id)))
        {
            problems.Add($"the host logged none of the outage events [{string.Join(", ", FaultPhaseResult.OutageEvents.Order())}]: it did not notice the fault, or the fault tested nothing");
        }

        // A slow path may meet a failure that has nothing to do with it (the output shows every one), but no call may
        // time out because of it.
        if (!result.Phase.IsOutage && result.Logs.FirstOrDefault(entry => FaultPhaseResult.FailureEvents.Contains(entry.EventId.Id) && TimedOut(entry.Exception))
            is LogEntry timeout)
        {
            problems.Add($"a store call timed out ({timeout.EventId.Id}: {timeout.Message}), though the fault only slows the store down and must cost time, not errors");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Fault '{result.Phase.Name}' failed:\n{string.Join("\n", problems)}\n{result.Describe()}");
        }
    }

    private static bool TimedOut(Exception? error)
    {
        for (Exception? cause = error; cause is not null; cause = cause.InnerException)
        {
            if (cause is TimeoutException)
            {
                return true;
            }
        }

        return false;
    }
}

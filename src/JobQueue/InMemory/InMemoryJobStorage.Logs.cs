using JobQueue.Storage;

namespace JobQueue.InMemory;

internal sealed partial class InMemoryJobStorage
{
    // Per job, its attempts' logs; removed with the job (RemoveLocked), under the store's lock like the job itself.
    private readonly Dictionary<JobId, SortedDictionary<int, StoredJobLog>> _logs = [];

    public ValueTask SaveJobLogsAsync(IReadOnlyList<JobLogWrite> logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logs);
        lock (_lock)
        {
            foreach (JobLogWrite log in logs)
            {
                if (!_jobs.ContainsKey(log.Id))
                {
                    continue;
                }

                if (!_logs.TryGetValue(log.Id, out SortedDictionary<int, StoredJobLog>? attempts))
                {
                    attempts = [];
                    _logs.Add(log.Id, attempts);
                }

                attempts[log.Attempt] = new StoredJobLog { Attempt = log.Attempt, Text = log.Text, DroppedLines = log.DroppedLines };
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<StoredJobLog>> GetJobLogsAsync(JobId id, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredJobLog>>(_logs.TryGetValue(id, out SortedDictionary<int, StoredJobLog>? attempts) ? [.. attempts.Values] : []);
        }
    }
}

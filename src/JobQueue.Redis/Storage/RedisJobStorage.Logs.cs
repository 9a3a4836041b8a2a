using System.Globalization;
using JobQueue.Redis.Scripts;
using JobQueue.Storage;
using StackExchange.Redis;

namespace JobQueue.Redis.Storage;

internal sealed partial class RedisJobStorage
{
    public async ValueTask SaveJobLogsAsync(IReadOnlyList<JobLogWrite> logs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (logs.Count == 0)
        {
            return;
        }

        // One script for every item: the job's existence and the write are one atomic step, so a log never outlives a
        // job deleted or pruned at the same time.
        var args = new RedisArguments(1 + (logs.Count * 4)).Add(_prefix);
        foreach (JobLogWrite log in logs)
        {
            args.Add(log.Id.ToString()).Add(log.Attempt).Add(log.Text).Add(log.DroppedLines);
        }

        await EvalAsync(RedisScripts.SaveJobLogs, args.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<StoredJobLog>> GetJobLogsAsync(JobId id, CancellationToken cancellationToken)
    {
        HashEntry[] fields = await CommandAsync(database => database.HashGetAllAsync(_prefix + "log:" + id), cancellationToken).ConfigureAwait(false);
        var dropped = new Dictionary<int, int>();
        var texts = new SortedDictionary<int, string>();
        foreach (HashEntry field in fields)
        {
            string name = field.Name!;
            if (name.StartsWith('d') && int.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int droppedOf))
            {
                dropped[droppedOf] = field.Value.TryParse(out int count) ? count : 0;
            }
            else if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int attempt))
            {
                texts[attempt] = field.Value.ToString();
            }
        }

        return [.. texts.Select(t => new StoredJobLog { Attempt = t.Key, Text = t.Value, DroppedLines = dropped.GetValueOrDefault(t.Key) })];
    }
}

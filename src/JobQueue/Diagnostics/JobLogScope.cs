using System.Collections;
using JobQueue.Storage;

namespace JobQueue.Diagnostics;

/// <summary>The logging scope of one attempt: every message logged while it runs carries the job's id, name, queue and attempt.</summary>
internal sealed class JobLogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private readonly StoredJob _job;

    public JobLogScope(StoredJob job)
    {
        _job = job;
    }

    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("JobId", _job.Id.ToString()),
        1 => new("JobName", _job.Name),
        2 => new("Queue", _job.Queue),
        3 => new("Attempt", _job.Attempt),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"Job {_job.Id} ({_job.Name}) in {_job.Queue}, attempt {_job.Attempt}";
}

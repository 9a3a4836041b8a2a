namespace JobQueue.InMemory;

/// <summary>
/// Jobs in enqueue order (ascending <see cref="InMemoryJob.Sequence"/>), appended as they are enqueued: an index the
/// listing of jobs walks newest first from any position. Only touched under the store's lock.
/// </summary>
/// <remarks>
/// Appending is O(1) and allocates one chunk per <see cref="ChunkSize"/> jobs, not a copy of the whole list as it grows:
/// every enqueue appends to a few of these. A job that leaves the store (<see cref="InMemoryJob.Removed"/>) stays until
/// half the entries are such, then the list is compacted, so removal costs O(1) amortized too.
/// </remarks>
internal sealed class SequenceList
{
    private const int ChunkShift = 10;
    private const int ChunkSize = 1 << ChunkShift;

    private readonly List<InMemoryJob[]> _chunks = [];
    private int _count;
    private int _removed;

    /// <summary>Entries that are not known to be removed: an upper bound of the live jobs, for choosing the smaller index.</summary>
    public int LiveCount => _count - _removed;

    /// <summary>Appends a job newer than every job in the list.</summary>
    public void Add(InMemoryJob job)
    {
        int index = _count & (ChunkSize - 1);
        if (index == 0 && _count >> ChunkShift == _chunks.Count)
        {
            _chunks.Add(new InMemoryJob[ChunkSize]);
        }

        _chunks[_count >> ChunkShift][index] = job;
        _count++;
    }

    /// <summary>Notes that one of the list's jobs left the store; compacts when half the entries are such.</summary>
    public void Removed()
    {
        _removed++;
        if (_removed > 64 && _removed * 2 > _count)
        {
            Compact();
        }
    }

    /// <summary>The jobs whose sequence is below <paramref name="before"/>, newest first, removed ones skipped.</summary>
    public IEnumerable<InMemoryJob> Descending(long before)
    {
        for (int i = FirstBelow(before); i >= 0; i--)
        {
            InMemoryJob job = _chunks[i >> ChunkShift][i & (ChunkSize - 1)];
            if (!job.Removed)
            {
                yield return job;
            }
        }
    }

    /// <summary>The index of the last entry whose sequence is below <paramref name="before"/>, or -1.</summary>
    private int FirstBelow(long before)
    {
        int low = 0;
        int high = _count - 1;
        int found = -1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            if (_chunks[middle >> ChunkShift][middle & (ChunkSize - 1)].Sequence < before)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    private void Compact()
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            InMemoryJob job = _chunks[i >> ChunkShift][i & (ChunkSize - 1)];
            if (!job.Removed)
            {
                _chunks[kept >> ChunkShift][kept & (ChunkSize - 1)] = job;
                kept++;
            }
        }

        int chunksNeeded = (kept + ChunkSize - 1) >> ChunkShift;
        _chunks.RemoveRange(chunksNeeded, _chunks.Count - chunksNeeded);
        int tail = kept & (ChunkSize - 1);
        if (tail != 0)
        {
            // The rest of the last chunk held jobs that moved down: drop the references so the GC can take them.
            Array.Clear(_chunks[^1], tail, ChunkSize - tail);
        }

        _count = kept;
        _removed = 0;
    }
}

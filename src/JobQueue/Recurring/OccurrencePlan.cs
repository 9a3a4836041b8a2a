namespace JobQueue.Recurring;

/// <summary>What the scheduler does with a due schedule in one pass: the occurrences to enqueue and where the schedule goes on.</summary>
/// <param name="Occurrences">The occurrences to enqueue, oldest first.</param>
/// <param name="NewNextRunAt">The schedule's next run time after this pass.</param>
/// <param name="Missed">How many occurrences were missed (older than the misfire threshold), counted up to a cap.</param>
/// <param name="Dropped">How many occurrences are not enqueued: missed ones the misfire policy drops, and due ones an overlap policy of Skip leaves out.</param>
/// <param name="DroppedAt">The latest occurrence dropped, if any.</param>
/// <param name="MissedSince">The first missed occurrence, if any.</param>
internal sealed record OccurrencePlan(
    IReadOnlyList<DateTimeOffset> Occurrences,
    DateTimeOffset NewNextRunAt,
    int Missed,
    int Dropped,
    DateTimeOffset? DroppedAt,
    DateTimeOffset? MissedSince);

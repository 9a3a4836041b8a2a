namespace JobQueue.Postgres.Storage;

// Job changes: the "c:" notifications that tell watches in other processes a job started, progressed, or was made
// due again. Sent by the fetch, progress, reschedule, fail and rescue statements; a finish ("f:") counts as a change too.
internal sealed partial class PostgresSql
{
    /// <summary>
    /// A SELECT that sends one "c:" notification per <see cref="FinishIdsPerNotification"/> ids of the <c>id</c> column
    /// of <paramref name="rows"/>, not one per job: every listening host receives each one, and the store cannot know
    /// which jobs anyone watches. A payload stays under the 8000-byte limit.
    /// </summary>
    private static string ChangeNotifications(string notify, string rows) => $"""
        SELECT {notify}'c:' || string_agg(id::text, ',')) FROM (
                    SELECT id, (row_number() OVER () - 1) / {FinishIdsPerNotification} AS chunk FROM {rows}) c
                GROUP BY chunk
        """;
}

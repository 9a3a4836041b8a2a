namespace JobQueue.Postgres.Storage;

// Recurring jobs: their statements, built at first use (most stores never have a schedule).
internal sealed partial class PostgresSql
{
    private PostgresRecurringSql? _recurring;

    /// <summary>The statements on recurring jobs, for this store's schema.</summary>
    public PostgresRecurringSql Recurring => _recurring ??= new PostgresRecurringSql(SchemaOfChannel(Channel));

    // The channel is the schema's name with "_events" appended (see the constructor); the schema was validated there.
    private static string SchemaOfChannel(string channel) => channel[..^"_events".Length];
}

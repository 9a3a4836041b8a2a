using JobQueue.Postgres.Storage;
using Npgsql;

namespace JobQueue.Storage.Tests.Postgres;

/// <summary>
/// Damages a job row of a PostgreSQL store with SQL, as a hand edit would. Its columns are typed (uuid, smallint,
/// jsonb, timestamptz), so only what they let in can be written: it cannot hold the damages to ids.
/// </summary>
internal static class PostgresDamage
{
    public static async Task<string> ApplyAsync(IJobStorage storage, JobId id, Damage damage)
    {
        string schema = ((PostgresJobStorage)storage).Schema;
        (string column, string sql) = damage switch
        {
            Damage.State => ("state", $"UPDATE {schema}.jobs SET state = 9 WHERE id = @id"),

            // jsonb holds only valid JSON: the damage is one of shape.
            Damage.Errors => ("errors", $$"""UPDATE {{schema}}.jobs SET attempt = 1, errors = '{"type": "System.Exception"}' WHERE id = @id"""),

            // timestamptz reaches past the year 9999 that .NET's DateTime ends at.
            Damage.Time => ("enqueued_at", $"UPDATE {schema}.jobs SET enqueued_at = '10000-01-01T00:00:00Z' WHERE id = @id"),
            _ => throw new ArgumentOutOfRangeException(nameof(damage), damage, "A PostgreSQL job row types its ids as uuid and cannot hold this damage."),
        };

        NpgsqlDataSource dataSource = await PostgresTestSchemas.DataSourceAsync();
        await using NpgsqlCommand command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id.Value);
        (await command.ExecuteNonQueryAsync()).Should().Be(1, "job {0} is in the store to be damaged", id);
        return column;
    }
}

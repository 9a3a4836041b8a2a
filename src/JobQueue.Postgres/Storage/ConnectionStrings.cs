using Npgsql;

namespace JobQueue.Postgres.Storage;

/// <summary>Turns a user's connection string into Npgsql's builder, or a message that says what is wrong.</summary>
internal static class ConnectionStrings
{
    /// <exception cref="ArgumentException">The string is empty, malformed, or names no host.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                "The PostgreSQL connection string is empty; pass one such as \"Host=localhost;Database=app;Username=app;Password=secret\".",
                nameof(connectionString));
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // Npgsql's message names the bad keyword; the value may hold a password, so it is not repeated here.
            throw new ArgumentException(
                $"The PostgreSQL connection string is invalid: {e.Message} Expected keywords such as \"Host=localhost;Database=app;Username=app\".",
                nameof(connectionString), e);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException(
                "The PostgreSQL connection string names no Host; add one, such as \"Host=localhost;Database=app;Username=app\".",
                nameof(connectionString));
        }

        return builder;
    }
}

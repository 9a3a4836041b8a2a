using System.Data.Common;
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
            // Npgsql's message names the bad keyword and never its value; its inner exception does ("The input string
            // 'p4ssw0rd' was not in a correct format" for a password slipped into Port=), so it is not kept.
            throw new ArgumentException(
                $"The PostgreSQL connection string is invalid: {e.Message} Expected keywords such as \"Host=localhost;Database=app;Username=app\".",
                nameof(connectionString));
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new ArgumentException(
                "The PostgreSQL connection string names no Host; add one, such as \"Host=localhost;Database=app;Username=app\".",
                nameof(connectionString));
        }

        return builder;
    }

    /// <summary>
    /// Settings for a data source the store owns (made from a connection string), unless the string sets them:
    /// the store runs a few statements again and again on short-lived pooled connections.
    /// </summary>
    /// <returns><paramref name="builder"/>, changed in place.</returns>
    public static NpgsqlConnectionStringBuilder WithStoreDefaults(NpgsqlConnectionStringBuilder builder)
    {
        // Npgsql's builder answers ContainsKey for every keyword it knows; a plain builder tells what the user wrote.
        var written = new DbConnectionStringBuilder { ConnectionString = builder.ConnectionString };

        // Prepared on each physical connection after a few uses: no parse and plan per call.
        if (!written.ContainsKey("Max Auto Prepare") && !written.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 32;
        }

        // Only the store uses these connections, and it leaves no session state behind (temporary tables are
        // ON COMMIT DROP, settings are transaction-local), so the reset Npgsql would prepend to each next use
        // (DISCARD ALL, which also drops every prepared statement) is pure cost.
        if (!written.ContainsKey("No Reset On Close") && !written.ContainsKey("NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        return builder;
    }
}

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace JobQueue.Sqlite.Storage;

/// <summary>
/// Runs a transaction again when the database was busy (another connection, usually another process, held the
/// write lock past busy_timeout), a bounded number of times, then fails with a message that names the file.
/// </summary>
internal static class SqliteBusyRetry
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    public static async ValueTask<T> RunAsync<T>(SqliteSettings settings, ILogger logger, Func<T> transaction, CancellationToken cancellationToken)
    {
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                return transaction();
            }
            catch (SqliteException ex) when (IsBusy(ex))
            {
                if (attempt >= settings.Options.BusyRetryLimit)
                {
                    SqliteLog.BusyGaveUp(logger, settings.DataSource, attempt + 1, settings.Options.BusyTimeout, ex);
                    throw new TimeoutException(
                        $"The SQLite database '{settings.DataSource}' stayed locked by another connection through {attempt + 1} tries of {settings.Options.BusyTimeout.TotalSeconds:0.###}s each. " +
                        "Another process may hold a long write transaction; otherwise raise SqliteStorageOptions.BusyTimeout or BusyRetryLimit.",
                        ex);
                }

                // A short pause that grows, so retries of several processes spread out instead of colliding again.
                TimeSpan delay = TimeSpan.FromMilliseconds(20 * (1 << Math.Min(attempt, 5)));
                SqliteLog.BusyRetrying(logger, settings.DataSource, settings.Options.BusyTimeout, delay, attempt + 1, settings.Options.BusyRetryLimit);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static bool IsBusy(SqliteException ex) => ex.SqliteErrorCode is SqliteBusy or SqliteLocked;
}

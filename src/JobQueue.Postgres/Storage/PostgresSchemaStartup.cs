using JobQueue.Storage;
using Microsoft.Extensions.Hosting;

namespace JobQueue.Postgres.Storage;

/// <summary>
/// Migrates the schema when the application starts, before the worker host: a first transactional enqueue
/// (which runs on the caller's connection and never migrates) then finds the tables in place.
/// </summary>
internal sealed class PostgresSchemaStartup : IHostedService
{
    private readonly IJobStorage _storage;

    public PostgresSchemaStartup(IJobStorage storage)
    {
        _storage = storage;
    }

    public Task StartAsync(CancellationToken cancellationToken) =>
        _storage is PostgresJobStorage postgres ? postgres.EnsureSchemaAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

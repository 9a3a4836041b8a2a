namespace JobQueue.Sqlite.Migrations;

/// <summary>One step of the schema: applied once, in order, and recorded in jobqueue_schema_version.</summary>
internal sealed record SqliteMigration(int Version, string Description, string Sql);

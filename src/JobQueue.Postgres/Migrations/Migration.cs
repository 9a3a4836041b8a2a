namespace JobQueue.Postgres.Migrations;

/// <summary>One versioned step of the schema. Shipped steps never change; a change is a new step.</summary>
/// <param name="Version">Applied in ascending order, once; recorded in the schema's migrations table.</param>
/// <param name="Description">What the step does, for the migrations table and the DBA script.</param>
/// <param name="Sql">The step's SQL for a schema name.</param>
internal sealed record Migration(int Version, string Description, Func<string, string> Sql);

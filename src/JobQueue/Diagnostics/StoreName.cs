namespace JobQueue.Diagnostics;

/// <summary>The name of the store <c>AddJobQueue</c> chose ("SQLite", "Redis", ...), for reports and messages.</summary>
internal sealed record StoreName(string Name);

namespace JobQueue.Benchmarks;

/// <summary>The stores under test. Public because BenchmarkDotNet shows parameter values by their type.</summary>
public enum Provider
{
    InMemory,
    Sqlite,
    Redis,
    Postgres,
}

namespace JobQueue.Benchmarks;

/// <summary>The stores under test. Public because BenchmarkDotNet shows parameter values by their type.</summary>
public enum Provider
{
    InMemory,
    Sqlite,
    Redis,

    /// <summary>The Redis store on its previous, internal RESP client, measured beside StackExchange.Redis until it is deleted.</summary>
    RedisResp,
    Postgres,
}

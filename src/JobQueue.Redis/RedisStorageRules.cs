using JobQueue.Binding;
using JobQueue.Redis.Storage;

namespace JobQueue.Redis;

/// <summary>The rules of <see cref="RedisStorageOptions"/> and of a connection string, for code and configuration alike.</summary>
internal static class RedisStorageRules
{
    public static IEnumerable<OptionProblem> Problems(RedisStorageOptions options, Func<string, string> nameOf)
    {
        if (RedisJobStorage.PrefixProblem(options.KeyPrefix, nameOf(nameof(options.KeyPrefix))) is { } prefix)
        {
            yield return new(nameof(options.KeyPrefix), prefix);
        }
    }

    /// <summary>Why the store cannot connect with <paramref name="connectionString"/> and <paramref name="options"/>; null if it can.</summary>
    public static string? ConnectionProblem(string connectionString, RedisStorageOptions options)
    {
        try
        {
            RedisConnection.Validate(RedisConnectionString.Parse(connectionString), options);
            return null;
        }
        catch (ArgumentException error)
        {
            return error.ParamName is { } parameter ? error.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) : error.Message;
        }
    }
}

using System.Text.Json;

namespace JobQueue.Recurring;

/// <summary>Serializes a recurring job's arguments once, when it is defined, with the size check every enqueue has.</summary>
internal static class RecurringArguments
{
    /// <exception cref="ArgumentException">The serialized arguments are larger than <see cref="JobQueueOptions.MaxArgumentsSize"/>.</exception>
    public static byte[] Serialize(object args, Type argsType, JobQueueOptions options, string id, string jobName)
    {
        byte[] arguments = JsonSerializer.SerializeToUtf8Bytes(args, argsType, options.SerializerOptions);
        if (arguments.Length > options.MaxArgumentsSize)
        {
            throw new ArgumentException(
                $"The arguments of recurring job \"{id}\" (job '{jobName}') are {arguments.Length} bytes of JSON, over JobQueueOptions.MaxArgumentsSize " +
                $"({options.MaxArgumentsSize} bytes); nothing was written. Keep large data elsewhere and pass its key, or raise MaxArgumentsSize.",
                nameof(args));
        }

        return arguments;
    }
}

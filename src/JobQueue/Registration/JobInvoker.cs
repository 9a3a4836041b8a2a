using System.Text.Json;

namespace JobQueue.Registration;

/// <summary>
/// Runs one registered handler: deserializes the stored arguments into the registered type (never a type
/// named by stored data), resolves the handler from the execution's scope and serializes its result.
/// </summary>
internal abstract class JobInvoker
{
    /// <summary>Deserializes the arguments, so that a payload that no longer fits fails before the handler runs.</summary>
    /// <exception cref="JobArgumentsException">The payload does not deserialize into the arguments type.</exception>
    public abstract object DeserializeArguments(byte[] arguments, JsonSerializerOptions options);

    /// <summary>Runs the handler; returns the serialized result, or null for a handler without one.</summary>
    public abstract Task<byte[]?> InvokeAsync(IServiceProvider services, object args, JobContext context,
        JsonSerializerOptions options, CancellationToken cancellationToken);
}

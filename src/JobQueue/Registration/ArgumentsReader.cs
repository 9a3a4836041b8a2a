using System.Text.Json;

namespace JobQueue.Registration;

/// <summary>Reads stored arguments into the registered type and turns every way that can fail into one specific error.</summary>
internal static class ArgumentsReader
{
    public static TArgs Read<TArgs>(byte[] arguments, JsonSerializerOptions options)
    {
        try
        {
            return JsonSerializer.Deserialize<TArgs>(arguments, options)
                ?? throw new JobArgumentsException($"The stored arguments are JSON null, but {typeof(TArgs).FullName} was expected.");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            throw new JobArgumentsException(
                $"The stored arguments do not deserialize into {typeof(TArgs).FullName}: {ex.Message}", ex);
        }
    }
}

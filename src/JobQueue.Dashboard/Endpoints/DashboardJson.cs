using System.Text.Json;
using System.Text.Json.Serialization;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>How the JSON API writes: camelCase, enums by name, durations as ISO-like "hh:mm:ss" text.</summary>
internal static class DashboardJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };
}

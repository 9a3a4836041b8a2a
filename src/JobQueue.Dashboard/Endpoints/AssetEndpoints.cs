using System.Collections.Frozen;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>The stylesheet and script, served from the assembly's embedded resources.</summary>
internal static class AssetEndpoints
{
    private static readonly FrozenDictionary<string, (byte[] Content, string Type)> s_assets = Load();

    public static void Map(RouteGroupBuilder group)
        => group.MapGet("/assets/{file}", (string file, HttpContext context) =>
        {
            if (!s_assets.TryGetValue(file, out var asset))
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(asset.Content, asset.Type);
        });

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        const string Prefix = "JobQueue.Dashboard.Assets.";
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        var assembly = typeof(AssetEndpoints).Assembly;
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            string file = name[Prefix.Length..];
            string type = file.EndsWith(".css", StringComparison.Ordinal) ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
            assets[file] = (copy.ToArray(), type);
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

using System.Reflection;
using System.Text;

namespace JobQueue.Redis.Scripts;

/// <summary>
/// Reads the store's Lua scripts from the .lua files embedded in this assembly: Scripts/NAME.lua, and the parts they
/// share in Scripts/Parts/. A line "--@include Parts/x.lua" stands for that file's text, and any other line that begins
/// with "--@" is a note for readers of the file; neither is sent to the server, so a script runs exactly as composed.
/// </summary>
/// <remarks>
/// Each script is read once, when <see cref="RedisScripts"/> is first used; its SHA1 is computed then, so the hot path
/// never touches the resources. A file that is not embedded fails at once, naming it.
/// </remarks>
internal static class RedisScriptLoader
{
    private const string ResourcePrefix = "JobQueue.Redis/Scripts/";
    private const string Include = "--@include ";
    private const string Note = "--@";

    // Parts include parts; a chain this deep can only be an include of itself, directly or not.
    private const int MaxIncludeDepth = 8;

    private static readonly Assembly s_assembly = typeof(RedisScriptLoader).Assembly;

    /// <summary>Every embedded file, as its path under Scripts/ ("fetch.lua", "Parts/prelude.lua"), in ordinal order.</summary>
    public static IReadOnlyList<string> Files { get; } = [.. s_assembly.GetManifestResourceNames()
        .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".lua", StringComparison.Ordinal))
        .Select(name => name[ResourcePrefix.Length..])
        .Order(StringComparer.Ordinal)];

    /// <summary>The script in Scripts/<paramref name="name"/>.lua, as the server runs it.</summary>
    /// <exception cref="InvalidOperationException">The file, or a part it includes, is not embedded in this assembly.</exception>
    public static RedisScript Load(string name)
    {
        string text = Read(name + ".lua");

        // The file ends in a newline, as text files do; the script sent ends with its last statement.
        return new RedisScript(name, text.EndsWith('\n') ? text[..^1] : text);
    }

    /// <summary>The text of the file at <paramref name="path"/> under Scripts/, its includes expanded and its notes left out.</summary>
    /// <exception cref="InvalidOperationException">The file, or a part it includes, is not embedded in this assembly.</exception>
    public static string Read(string path) => Read(path, includedBy: null, depth: 0);

    private static string Read(string path, string? includedBy, int depth)
    {
        if (depth > MaxIncludeDepth)
        {
            throw new InvalidOperationException(
                $"The Lua file Scripts/{includedBy} includes Scripts/{path} more than {MaxIncludeDepth} levels deep; a part includes itself.");
        }

        using Stream? stream = s_assembly.GetManifestResourceStream(ResourcePrefix + path);
        if (stream is null)
        {
            string by = includedBy is null ? "" : $" (included by Scripts/{includedBy})";
            throw new InvalidOperationException(
                $"The Lua file Scripts/{path}{by} is not embedded in {s_assembly.GetName().Name}; the build must embed Scripts/**/*.lua " +
                $"(see JobQueue.Redis.csproj). Embedded: {string.Join(", ", Files)}.");
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);

        // Line ends are made \n whatever the checkout wrote, so a script's text and SHA1 are the same on every machine.
        string text = reader.ReadToEnd().ReplaceLineEndings("\n");
        var script = new StringBuilder(text.Length);
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            bool last = i == lines.Length - 1;
            if (line.StartsWith(Include, StringComparison.Ordinal))
            {
                script.Append(Read(line[Include.Length..].Trim(), path, depth + 1));
            }
            else if (!line.StartsWith(Note, StringComparison.Ordinal))
            {
                // The last item is what follows the final newline: nothing, in a file that ends with one.
                script.Append(line);
                if (!last)
                {
                    script.Append('\n');
                }
            }
        }

        return script.ToString();
    }
}

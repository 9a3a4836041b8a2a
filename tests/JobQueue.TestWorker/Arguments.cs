namespace JobQueue.TestWorker;

internal static class Arguments
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Expected an option such as --provider, found '{args[i]}'.");
            }

            options[args[i][2..]] = args[i + 1];
        }

        foreach (string required in new[] { "provider", "connection", "log" })
        {
            if (!options.ContainsKey(required))
            {
                throw new ArgumentException($"Missing --{required}.");
            }
        }

        return options;
    }
}

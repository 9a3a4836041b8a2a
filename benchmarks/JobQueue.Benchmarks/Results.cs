using System.Globalization;

namespace JobQueue.Benchmarks;

/// <summary>Every figure of one run, by key ("Redis.drain.c10"), with the raw limits run.sh measured beside them.</summary>
internal sealed class Results(Dictionary<string, double> raw)
{
    public Dictionary<string, double> Figures { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, double> Raw { get; } = raw;

    public Dictionary<string, int> Settings { get; } = new(StringComparer.Ordinal);

    /// <summary>Every drain behind a median figure, by the figure's key, in the order they ran.</summary>
    public Dictionary<string, IReadOnlyList<double>> Samples { get; } = new(StringComparer.Ordinal);

    /// <summary>The readings behind a raw limit measured more than once (BesideCeiling), by its key, in the order they ran.</summary>
    public Dictionary<string, IReadOnlyList<double>> RawSamples { get; } = new(StringComparer.Ordinal);

    /// <summary>Every latency run behind a median p50 and p99, by provider, in the order they ran.</summary>
    public Dictionary<string, IReadOnlyList<LatencyResult>> LatencyRuns { get; } = new(StringComparer.Ordinal);

    public void Add(string key, double value) => Figures[key] = value;

    public double? Figure(string key) => Figures.TryGetValue(key, out double value) ? value : null;

    public double? RawLimit(string key) => Raw.TryGetValue(key, out double value) ? value : null;
}

/// <summary>Reads the raw limits run.sh wrote: one "key TAB value" per line; non-numeric values are notes.</summary>
internal static class RawLimits
{
    public static Dictionary<string, double> Read(string path)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return values;
        }

        foreach (string line in File.ReadLines(path))
        {
            string[] parts = line.Split('\t');
            if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                values[parts[0]] = value;
            }
        }

        return values;
    }
}

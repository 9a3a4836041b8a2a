namespace JobQueue.Storage;

/// <summary>The engine's own reading of <see cref="FetchLimits"/>, shared by the in-memory store and the wait reasons.</summary>
internal static class FetchLimitsLookup
{
    /// <summary>The limits of one job name, or null; the list is short (one entry per limited job type), so a scan.</summary>
    public static NameLimits? ForName(this FetchLimits? limits, string name)
    {
        foreach (NameLimits named in limits?.Names ?? [])
        {
            if (string.Equals(named.Name, name, StringComparison.Ordinal))
            {
                return named;
            }
        }

        return null;
    }
}

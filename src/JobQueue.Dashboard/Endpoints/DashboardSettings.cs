namespace JobQueue.Dashboard.Endpoints;

/// <summary>One mapped dashboard: its validated options and the prefix it was mapped at.</summary>
internal sealed record DashboardSettings(DashboardOptions Options, string Prefix);

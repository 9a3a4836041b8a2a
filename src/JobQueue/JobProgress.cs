namespace JobQueue;

/// <summary>Progress a running job reported through <see cref="JobContext.ReportProgressAsync"/>.</summary>
/// <param name="Percent">From 0 to 100.</param>
/// <param name="Message">An optional human-readable note, such as "12 of 40 tickets".</param>
public sealed record JobProgress(double Percent, string? Message = null);

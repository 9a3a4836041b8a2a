using System.Globalization;

namespace JobQueue.Dashboard.Endpoints;

/// <summary>The live-update interval a request gets: what it asks for (<c>?interval=</c>, seconds), never shorter than the options' and never longer than 60 seconds.</summary>
internal static class LiveInterval
{
    public static int Seconds(DashboardRequest request)
    {
        int floor = (int)Math.Ceiling(request.Options.LiveUpdateInterval.TotalSeconds);
        int max = (int)DashboardOptions.MaxLiveUpdateInterval.TotalSeconds;
        return int.TryParse(request.Context.Request.Query["interval"], NumberStyles.None, CultureInfo.InvariantCulture, out int asked)
            ? Math.Clamp(asked, floor, max)
            : floor;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Dashboard.Tests;

public sealed class DashboardMappingTests
{
    [Fact]
    public async Task Map_WithoutAntiforgery_SaysWhatToAdd()
    {
        await using WebApplication app = Build(antiforgery: false);

        Action map = () => app.MapJobQueueDashboard();

        map.Should().Throw<InvalidOperationException>().WithMessage("*builder.Services.AddAntiforgery()*");
    }

    [Theory]
    [InlineData("jobs")]
    [InlineData("/jobs/")]
    [InlineData("/")]
    [InlineData("/jobs/{id}")]
    public async Task Map_APrefixThatIsNotALiteralPath_IsRefusedByName(string prefix)
    {
        await using WebApplication app = Build(antiforgery: true);

        Action map = () => app.MapJobQueueDashboard(prefix);

        map.Should().Throw<ArgumentException>().WithMessage($"*'{prefix}'*").Which.ParamName.Should().Be("prefix");
    }

    [Fact]
    public async Task Map_AnOptionOutOfRange_NamesItAndItsRange()
    {
        await using WebApplication app = Build(antiforgery: true);

        Action bulk = () => app.MapJobQueueDashboard("/a", o => o.MaxBulkJobs = 0);
        Action interval = () => app.MapJobQueueDashboard("/b", o => o.LiveUpdateInterval = TimeSpan.FromMinutes(5));
        Action page = () => app.MapJobQueueDashboard("/c", o => o.PageSize = 300);

        bulk.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*MaxBulkJobs must be from 1 to 10000*");
        interval.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*LiveUpdateInterval must be from 1 to 60 seconds*");
        page.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*PageSize must be from 1 to MaxPageSize (200)*");
    }

    [Fact]
    public void Options_Defaults_AreValid()
    {
        var options = new DashboardOptions();

        options.Validate();

        options.Should().BeEquivalentTo(new { Title = "JobQueue", ReadOnly = false, PageSize = 50, MaxPageSize = 200, MaxBulkJobs = 1000, LiveUpdateInterval = TimeSpan.FromSeconds(5) });
    }

    private static WebApplication Build(bool antiforgery)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddJobQueue(q => q.UseInMemory());
        if (antiforgery)
        {
            builder.Services.AddAntiforgery();
        }

        return builder.Build();
    }
}

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace WebShop.Tests;

/// <summary>
/// The sample in memory, on a SQLite file of its own, with the simulated services fast but failing one call in five,
/// so that orders see retries.
/// </summary>
public sealed class WebShopFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "webshop-tests-" + Guid.NewGuid().ToString("N"));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Shop:DatabasePath", Path.Combine(_folder, "webshop.db"));
        builder.UseSetting("Shop:DelayScale", "0.05");
        builder.UseSetting("Shop:FailureRate", "0.2");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

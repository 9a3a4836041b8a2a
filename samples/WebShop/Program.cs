// WebShop: an ASP.NET Core shop that keeps slow, failure-prone work out of its requests.
//   POST /signup              sends a magic sign-in link through a job; always 202, whether or not the address is known
//   POST /orders              40 tickets become a batch of ticket jobs, then one dispatch job once all exist
//   GET  /orders/{id}         the order page: its progress arrives live through server-sent events
//   GET  /orders/{id}/events  the event stream, fed by IJobClient.WatchAsync
//   GET  /jobs/               the JobQueue dashboard (local requests only)
// A nightly sales report is a recurring job. The mail and ticket services are simulated: slow, and failing now and
// then, so retries happen. Jobs are kept in SQLite (data/webshop.db, or Shop:DatabasePath).
//
// dotnet run --project samples/WebShop, then open http://localhost:5000
using JobQueue;
using WebShop.Jobs;
using WebShop.Shop;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
ShopOptions shop = builder.Configuration.GetSection("Shop").Get<ShopOptions>() ?? new ShopOptions();
string database = shop.DatabasePath ?? Path.Combine(builder.Environment.ContentRootPath, "data", "webshop.db");
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(database))!);

builder.Services.AddSingleton(shop);
builder.Services.AddSingleton<Accounts>();
builder.Services.AddSingleton<SimulatedMailService>();
builder.Services.AddSingleton<SimulatedTicketService>();
builder.Services.AddSingleton<SalesLedger>();
builder.Services.AddSingleton<OrderProgress>();
builder.Services.AddJobQueue(q =>
{
    // Every value below can be changed without a rebuild from the "JobQueue" section of the configuration, such as
    // JobQueue__Queues__tickets__Concurrency=16 in the environment; docs/configuration.md lists the keys.
    q.Configure(builder.Configuration.GetSection("JobQueue"));
    q.UseSqlite(database);
    q.AddJob<SendMagicLinkJob>(j => { j.Queue = "email"; j.MaxAttempts = 8; j.RetryDelay = TimeSpan.FromMilliseconds(500); });
    q.AddJob<GenerateTicketJob>(j => { j.Queue = "tickets"; j.MaxAttempts = 8; j.RetryDelay = TimeSpan.FromMilliseconds(300); j.Timeout = TimeSpan.FromSeconds(10); });
    q.AddJob<DispatchOrderJob>(j => j.Queue = "email");
    q.AddJob<NightlySalesReportJob>();
    q.AddQueue("email", concurrency: 4);
    q.AddQueue("tickets", concurrency: 8);
    q.AddRecurringJob("nightly-sales-report", "0 2 * * *", new NightlySalesReport(), r => r.TimeZone = "Europe/Berlin");
});

// The dashboard's actions are POSTs checked by ASP.NET Core antiforgery.
builder.Services.AddAntiforgery();

WebApplication app = builder.Build();

// Pages are static files with one script each; no inline script, so the policy can forbid it.
app.Use(async (context, next) =>
{
    context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; object-src 'none'; base-uri 'none'";
    await next(context);
});
app.UseDefaultFiles();
app.UseStaticFiles();

app.MapSignUp();
app.MapOrders();

// The JobQueue dashboard (package JobQueue.Dashboard) at /jobs. Without an authorization policy it answers local
// requests only; in production put it behind the shop's staff policy (.RequireAuthorization("staff")): it can retry,
// delete and read job arguments.
app.MapJobQueueDashboard("/jobs");

app.Run();

/// <summary>The entry point, visible to the tests (WebApplicationFactory).</summary>
public partial class Program;

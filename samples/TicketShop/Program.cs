// TicketShop: a web shop's slow work moved out of the request. Sign-ups enqueue welcome e-mails; an order of
// 40 seats becomes a batch of GenerateTicket jobs followed by one DispatchTickets job that runs only after every
// ticket exists. One seat hangs on its first try: the worker times it out, abandons it, and retries it. A sales
// report is a recurring job: declared with a cron expression, enqueued every 2 seconds, and run once more on demand.
// Then an operator pauses the e-mail queue: a sign-up's e-mail waits, and goes out after the resume.
//
// dotnet run --project samples/TicketShop [-- --in-memory] [-- --keep]
//   default      jobs in SQLite (samples/TicketShop/data/jobs.db), recreated on every run
//   --keep       keep data/ from the last run: welcome e-mails already sent are not sent again (idempotency keys)
//   --in-memory  jobs in memory only
using System.Diagnostics;
using JobQueue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TicketShop;
using TicketShop.Jobs;

const int Seats = 40;
const string OrderId = "A1001";
bool inMemory = args.Contains("--in-memory");
bool keep = args.Contains("--keep");
ShopFolders folders = ShopFolders.ForThisRun(keep);
using var counters = new JobCounters();

HostApplicationBuilder builder = Host.CreateApplicationBuilder();
builder.Logging.ClearProviders().AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton(folders);
builder.Services.AddJobQueue(q =>
{
    if (inMemory)
    {
        q.UseInMemory();
    }
    else
    {
        q.UseSqlite(folders.Database);
    }

    q.AddJob<SendWelcomeEmailJob>(j => j.Queue = "emails");
    q.AddJob<GenerateTicketJob>(j =>
    {
        j.Queue = "tickets";
        j.Timeout = TimeSpan.FromSeconds(1);
        j.MaxAttempts = 3;
        j.RetryDelay = TimeSpan.FromMilliseconds(200);
    });
    q.AddJob<DispatchTicketsJob>(j => j.Queue = "tickets");
    q.AddQueue("emails", concurrency: 2);
    q.AddQueue("tickets", concurrency: 4);

    // A recurring job: every 2 seconds (six fields, seconds first), once per occurrence however many hosts run.
    q.AddJob<WriteSalesReportJob>(j => j.Queue = "reports");
    q.AddQueue("reports", concurrency: 1);
    q.AddRecurringJob("sales-report", "*/2 * * * * *", new WriteSalesReport("Sales so far"), r => r.Overlap = OverlapPolicy.Skip);
    q.Configure(o => o.TimeoutGrace = TimeSpan.FromMilliseconds(500));
});

using IHost host = builder.Build();
await host.StartAsync();
IJobClient jobs = host.Services.GetRequiredService<IJobClient>();
using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
var total = Stopwatch.StartNew();

Console.WriteLine(inMemory
    ? "TicketShop demo: JobQueue with the in-memory store"
    : $"TicketShop demo: JobQueue with the SQLite store ({folders.Database}{(keep ? ", kept from the last run" : ", new")})");
Console.WriteLine($"Output folder: {folders.Root}");
Console.WriteLine();

// 1. Sign-ups: each request enqueues an e-mail and answers at once.
(string Email, string Name)[] signUps =
[
    ("ada@example.com", "Ada"), ("grace@example.com", "Grace"), ("linus@example.com", "Linus"),
    ("barbara@example.com", "Barbara"), ("ken@example.com", "Ken"),
];
var emailIds = new List<JobId>();
foreach ((string email, string name) in signUps)
{
    var request = Stopwatch.StartNew();
    // The key makes a repeated sign-up (a retried request, or a rerun with --keep) send no second e-mail.
    JobId id = await jobs.EnqueueAsync(new SendWelcomeEmail(email, name),
        new EnqueueOptions { IdempotencyKey = $"welcome:{email}" }, deadline.Token);
    emailIds.Add(id);
    Console.WriteLine($"POST /signup {email,-20} -> 202 Accepted in {request.Elapsed.TotalMilliseconds,6:0.000} ms (job {id})");
}

// 2. An order: one child job per seat, then the dispatch job, written atomically as one batch.
var order = Stopwatch.StartNew();
BatchId batchId = await jobs.StartBatchAsync(batch =>
{
    for (int seat = 1; seat <= Seats; seat++)
    {
        batch.Enqueue(new GenerateTicket(OrderId, seat, HangOnFirstTry: seat == 13));
    }

    batch.OnSuccess(new DispatchTickets(OrderId, Seats));
}, deadline.Token);
Console.WriteLine($"POST /orders {Seats} seats          -> 202 Accepted in {order.Elapsed.TotalMilliseconds,6:0.000} ms (batch {batchId})");
Console.WriteLine();

// 3. Live progress, read by id like a status endpoint would.
bool interactive = !Console.IsOutputRedirected;
string last = "";
BatchInfo batchInfo;
while (true)
{
    batchInfo = (await jobs.GetBatchAsync(batchId, deadline.Token))!;
    string line = $"tickets {batchInfo.Succeeded,2}/{batchInfo.Total} done | pending {batchInfo.Pending,2} | retries {counters.Retried} | failed {counters.Failed}";
    if (line != last)
    {
        Console.Write(interactive ? $"\r{line}" : $"{line}{Environment.NewLine}");
        last = line;
    }

    if (batchInfo.State != BatchState.Running)
    {
        break;
    }

    await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
}

if (interactive)
{
    Console.WriteLine();
}

// 4. The dispatch job ran once, after every ticket existed; its result is stored with it.
JobInfo dispatch = await jobs.WaitForCompletionAsync(batchInfo.SuccessJobId!.Value, deadline.Token);
var emails = new List<JobInfo>();
foreach (JobId id in emailIds)
{
    emails.Add(await jobs.WaitForCompletionAsync(id, deadline.Token));
}

// 5. The recurring sales report: listed with its next runs, and run once more now without moving its schedule.
IRecurringJobs recurring = host.Services.GetRequiredService<IRecurringJobs>();
JobInfo reportNow = await jobs.WaitForCompletionAsync(await recurring.TriggerAsync("sales-report", deadline.Token), deadline.Token);
RecurringJobInfo salesReport = (await recurring.ListAsync(deadline.Token)).Single(r => r.Id == "sales-report");

// 6. Queues and hosts: an operator pauses the e-mail queue and resumes it (QueuePauseDemo.cs).
bool pauseOk = await QueuePauseDemo.RunAsync(host.Services.GetRequiredService<IJobAdmin>(), jobs, deadline.Token);

await host.StopAsync(deadline.Token);

DispatchReceipt? receipt = dispatch.GetResult<DispatchReceipt>();
int ticketFiles = Directory.GetFiles(folders.Tickets).Length;
int emailFiles = Directory.GetFiles(folders.Outbox, "*.eml").Length;
int reportFiles = Directory.GetFiles(Path.Combine(folders.Root, "reports")).Length;
string nextReports = string.Join(", ", salesReport.UpcomingRuns.Take(3).Select(t => t.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture)));
Console.WriteLine();
Console.WriteLine("Summary");
Console.WriteLine($"  welcome e-mails     {emails.Count(e => e.State == JobState.Succeeded)}/{signUps.Length} sent, one more around the queue pause ({emailFiles} files in outbox/)");
Console.WriteLine($"  tickets             {batchInfo.Succeeded}/{Seats} generated ({ticketFiles} files in tickets/), batch {batchInfo.State}");
Console.WriteLine($"  retries             {counters.Retried} (seat 13 hung on its first try: timed out after 1 s, abandoned, retried)");
Console.WriteLine($"  failures            {counters.Failed}");
Console.WriteLine($"  dispatch            {dispatch.State} once, {receipt?.TicketFiles} tickets in {Path.GetFileName(receipt?.Manifest)}");
Console.WriteLine($"  sales report        every 2 s ({salesReport.Cron}): {reportFiles} reports written, one of them on demand; next at {nextReports} UTC");
Console.WriteLine($"  total time          {total.Elapsed.TotalSeconds:0.00} s");

bool ok = dispatch.State == JobState.Succeeded && receipt?.TicketFiles == Seats && ticketFiles == Seats
    && emails.All(e => e.State == JobState.Succeeded) && batchInfo.State == BatchState.Succeeded
    && reportNow.State == JobState.Succeeded && salesReport.UpcomingRuns.Count > 0
    && pauseOk;
Console.WriteLine(ok ? "All scenarios passed." : "Something went wrong: see above.");
return ok ? 0 : 1;

using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace JobQueue.Dashboard.Tests.Browser;

/// <summary>
/// The dashboard as an operator uses it, in headless chromium against the app served by Kestrel on loopback: finding
/// jobs, reading an error, acting on jobs and queues (clicking, confirming, previewing), what it refuses, hostile text,
/// and a path base. Every page visited is saved as a screenshot under the test output (bin/.../screenshots).
/// </summary>
public sealed class DashboardBrowserActionTests(SharedChromium chromium) : IClassFixture<SharedChromium>
{
    private ChromeDriver Browser => chromium.Driver;

    [Fact]
    public async Task Jobs_FilterByStateAndSearch_FindsAJobByAWordInItsArguments()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true);
        JobInfo wanted = await app.EnqueueAndFinishAsync(new Fail("invoice 7731 for acme"));
        await app.EnqueueAndFinishAsync(new Fail("invoice 7732 for globex"));
        await app.EnqueueAndFinishAsync(new Succeed("acme newsletter"));
        chromium.Open(app.Http.BaseAddress!, "/jobs/jobs");

        Browser.FindElement(By.XPath("//select[@name='state']/option[text()='Failed']")).Click();
        Browser.FindElement(By.Name("text")).SendKeys("acme");
        Browser.FindElement(By.XPath("//form[@class='filters']//button[text()='Filter']")).Click();
        chromium.WaitUntil(b => b.Url.Contains("text=acme", StringComparison.Ordinal));
        chromium.Screenshot("jobs-filtered");

        var rows = Browser.FindElements(By.CssSelector("table tbody tr"));
        rows.Should().ContainSingle("one failed job has the word in its arguments; the succeeded one is filtered out by state");
        rows[0].Text.Should().Contain(wanted.Id.ToString()).And.Contain("invoice 7731 for acme");
        Browser.FindElement(By.CssSelector(".total")).Text.Should().Be("1");
    }

    [Fact]
    public async Task JobDetail_FailedJob_ShowsTheErrorAndItsStackTrace()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true);
        JobInfo failed = await app.EnqueueAndFinishAsync(new Fail("the warehouse is closed"));
        chromium.Open(app.Http.BaseAddress!, $"/jobs/jobs/{failed.Id}");

        IWebElement summary = Browser.FindElement(By.CssSelector("details.error summary"));
        summary.Text.Should().Contain("PermanentJobFailureException").And.Contain("the warehouse is closed");
        IWebElement trace = Browser.FindElement(By.CssSelector("details.error pre"));
        trace.Displayed.Should().BeFalse("the stack trace is folded until asked for");
        summary.Click();
        chromium.WaitUntil(_ => trace.Displayed);
        chromium.Screenshot("job-detail-failed");

        trace.Text.Should().Contain("at JobQueue.Dashboard.Tests.FailJob.ExecuteAsync");
    }

    [Fact]
    public async Task JobDetail_RunningJob_ShowsStateAndProgressLiveWithoutReloading()
    {
        // No worker: the test runs the job through the store, one step at a time, as a worker on another host would.
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true, worker: false);
        JobId id = await app.Jobs.EnqueueAsync(new Succeed("live"));
        IJobStorage storage = app.Services.GetRequiredService<IJobStorage>();
        chromium.Open(app.Http.BaseAddress!, $"/jobs/jobs/{id}");
        // A mark on this page's window: a reload would drop it, a live update keeps it.
        Browser.ExecuteScript("window.__samePage = true;");
        IWebElement State() => Browser.FindElement(By.CssSelector("[data-job-field='state']"));
        State().Text.Should().Be("Enqueued");

        DateTimeOffset now = DateTimeOffset.UtcNow;
        StoredJob leased = (await storage.FetchAsync(new FetchRequest
        {
            Queue = "default", Limit = 1, Now = now, LeaseToken = Guid.NewGuid(), LeaseExpiresAt = now.AddMinutes(5), WorkerId = "browser-test",
        }, CancellationToken.None)).Single();
        chromium.WaitUntil(_ => State().Text == "Running");
        await storage.ReportProgressAsync([new ProgressReport { Id = id, LeaseToken = leased.LeaseToken!.Value, Progress = new JobProgress(40, "seat 4 of 10") }],
            CancellationToken.None);
        chromium.WaitUntil(b => b.FindElement(By.CssSelector("[data-job-field='progress']")).Text.Contains("40 % seat 4 of 10", StringComparison.Ordinal));
        chromium.Screenshot("job-detail-live-progress");
        Browser.ExecuteScript("return window.__samePage === true;").Should().Be(true, "state and progress arrived without a reload");

        await storage.CompleteAsync([new JobCompletion { Id = id, LeaseToken = leased.LeaseToken!.Value, Now = DateTimeOffset.UtcNow }], CancellationToken.None);
        chromium.WaitUntil(b => b.FindElement(By.CssSelector("main .state")).Text == "Succeeded");
    }

    [Fact]
    public async Task JobDetail_RetryAndCancelButtons_ActOnTheJob()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true);
        JobInfo failed = await app.EnqueueAndFinishAsync(new Fail("retry me"));
        // The retried job must stay visible as enqueued: nothing serves its queue once it is paused.
        await app.Admin.PauseQueueAsync(failed.Queue);
        JobId later = await app.Jobs.EnqueueAsync(new Succeed("cancel me"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });

        chromium.Open(app.Http.BaseAddress!, $"/jobs/jobs/{failed.Id}");
        Browser.FindElement(By.XPath("//div[@class='actions']//button[text()='Retry']")).Click();
        chromium.WaitFor(By.XPath("//*[contains(@class,'notice') and text()='Retried 1 job(s).']"));
        chromium.Screenshot("job-detail-retried");
        Browser.FindElement(By.CssSelector("main .state")).Text.Should().Be("Enqueued");
        (await app.Jobs.GetAsync(failed.Id))!.State.Should().Be(JobState.Enqueued);

        chromium.Open(app.Http.BaseAddress!, $"/jobs/jobs/{later}");
        Browser.FindElement(By.XPath("//div[@class='actions']//button[text()='Cancel']")).Click();
        IAlert confirm = new OpenQA.Selenium.Support.UI.WebDriverWait(Browser, Deadline.Default).Until(b => b.SwitchTo().Alert())!;
        confirm.Text.Should().Be("Cancel: are you sure?");
        confirm.Accept();
        chromium.WaitFor(By.XPath("//*[contains(@class,'notice') and text()='Cancelled 1 job(s).']"));
        chromium.Screenshot("job-detail-cancelled");
        (await app.Jobs.GetAsync(later))!.State.Should().Be(JobState.Cancelled);
    }

    [Fact]
    public async Task JobDetail_CancelDismissed_LeavesTheJobAlone()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true, worker: false);
        JobId later = await app.Jobs.EnqueueAsync(new Succeed("keep me"), new EnqueueOptions { Delay = TimeSpan.FromHours(1) });
        chromium.Open(app.Http.BaseAddress!, $"/jobs/jobs/{later}");
        string before = Browser.Url;

        Browser.FindElement(By.XPath("//div[@class='actions']//button[text()='Cancel']")).Click();
        new OpenQA.Selenium.Support.UI.WebDriverWait(Browser, Deadline.Default).Until(b => b.SwitchTo().Alert())!.Dismiss();

        // Dismissing prevents the submit: the page is the same and nothing was posted.
        Browser.Url.Should().Be(before);
        Browser.FindElements(By.CssSelector(".notice")).Should().BeEmpty();
        (await app.Jobs.GetAsync(later))!.State.Should().Be(JobState.Scheduled);
    }

    [Fact]
    public async Task Queues_PauseThenResume_ThroughTheButtons()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true);
        chromium.Open(app.Http.BaseAddress!, "/jobs/queues");

        Browser.FindElement(QueueButton("imports", "Pause")).Click();
        chromium.WaitFor(By.XPath("//*[contains(@class,'notice') and text()='Queue paused.']"));
        chromium.Screenshot("queues-paused");
        Browser.FindElement(By.XPath("//tr[td/a[text()='imports']]/td[2]")).Text.Should().StartWith("paused since");
        (await app.Admin.GetQueuesAsync()).Single(q => q.Name == "imports").Paused.Should().BeTrue();

        Browser.FindElement(QueueButton("imports", "Resume")).Click();
        chromium.WaitFor(By.XPath("//*[contains(@class,'notice') and text()='Queue resumed.']"));
        Browser.FindElement(By.XPath("//tr[td/a[text()='imports']]/td[2]")).Text.Should().Be("active");
        (await app.Admin.GetQueuesAsync()).Single(q => q.Name == "imports").Paused.Should().BeFalse();
    }

    [Fact]
    public async Task Jobs_BulkRetry_PreviewsTheCountThenRetriesOnlyTheMatchingJobs()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true);
        JobInfo alpha = await app.EnqueueAndFinishAsync(new Fail("bulk alpha"));
        await app.EnqueueAndFinishAsync(new Fail("bulk beta"));
        JobInfo other = await app.EnqueueAndFinishAsync(new Fail("other"));
        await app.Admin.PauseQueueAsync(alpha.Queue);
        chromium.Open(app.Http.BaseAddress!, "/jobs/jobs?state=Failed&text=bulk");

        Browser.FindElement(By.LinkText("Retry all matching…")).Click();
        IWebElement count = chromium.WaitFor(By.CssSelector(".preview-count"));
        chromium.Screenshot("jobs-bulk-retry-preview");
        count.Text.Should().Be("2");
        Browser.FindElement(By.XPath("//button[text()='Retry 2 job(s)']")).Click();
        chromium.WaitFor(By.XPath("//*[contains(@class,'notice') and text()='Retried 2 job(s).']"));

        (await app.Admin.QueryJobsAsync(new JobFilter { State = JobState.Enqueued, Text = "bulk" })).Total.Should().Be(2);
        (await app.Jobs.GetAsync(other.Id))!.State.Should().Be(JobState.Failed, "the job outside the filter is not retried");
    }

    [Fact]
    public async Task HostileArgumentsErrorsAndQueueNames_AreShownAsTextAndNeverRun()
    {
        const string hostile = "<script>window.__pwned=1;alert(1)</script>\"><img src=x onerror=\"window.__pwned=2;alert(2)\">'";
        const string hostileQueue = "q\"><script>window.__pwned=3</script>";
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true);
        JobInfo failed = await app.EnqueueAndFinishAsync(new Fail(hostile));
        // A queue no host serves, so its hostile name is listed without anything running.
        JobId waiting = await app.Jobs.EnqueueAsync(new Succeed(hostile), new EnqueueOptions { Queue = hostileQueue, Delay = TimeSpan.FromHours(1) });

        (string Path, string Shot, string Expected)[] pages =
        [
            ($"/jobs/jobs/{failed.Id}", "hostile-job-detail", hostile),
            ($"/jobs/jobs/{waiting}", "hostile-job-detail-queue", hostileQueue),
            ("/jobs/jobs", "hostile-jobs", hostile),
            ("/jobs/queues", "hostile-queues", hostileQueue),
            ("/jobs/", "hostile-overview", hostileQueue),
        ];
        foreach ((string path, string shot, string expected) in pages)
        {
            chromium.Open(app.Http.BaseAddress!, path);
            AssertNoAlertIsOpen(path);
            Browser.ExecuteScript("return typeof window.__pwned;").Should().Be("undefined", path);
            Browser.FindElement(By.TagName("main")).Text.Should().Contain(expected, $"{path} shows the text as text");
            Browser.FindElements(By.CssSelector("main img, main script")).Should().BeEmpty(path);
            chromium.Screenshot(shot);
        }

        chromium.Open(app.Http.BaseAddress!, $"/jobs/jobs/{failed.Id}");
        Browser.FindElement(By.CssSelector("pre.json")).Text.Should().Contain("<script>window.__pwned=1",
            "the arguments are shown as the text they are");
    }

    [Fact]
    public async Task Post_FormWithoutItsAntiforgeryToken_IsRefused()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true);
        chromium.Open(app.Http.BaseAddress!, "/jobs/queues");

        long removed = (long)Browser.ExecuteScript(
            "var fields = document.querySelectorAll('input[name=\"__RequestVerificationToken\"]');" +
            "fields.forEach(function (f) { f.remove(); }); return fields.length;")!;
        Browser.FindElement(QueueButton("imports", "Pause")).Click();
        chromium.WaitUntil(b => b.FindElement(By.TagName("body")).Text.Contains("antiforgery token is missing or invalid", StringComparison.Ordinal));
        chromium.Screenshot("antiforgery-refused");

        removed.Should().BePositive();
        (await app.Admin.GetQueuesAsync()).Single(q => q.Name == "imports").Paused.Should().BeFalse();
    }

    [Fact]
    public async Task Get_FromABrowserBehindAProxy_IsRefusedWithoutAPolicy()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true, worker: false);
        // The browser sends X-Forwarded-For on every request (Chrome DevTools Network.setExtraHTTPHeaders), as it
        // arrives through a reverse proxy on the same machine: the connection is loopback, the client is not.
        Browser.ExecuteCdpCommand("Network.enable", []);
        try
        {
            SetExtraHeaders(new Dictionary<string, object> { ["X-Forwarded-For"] = "203.0.113.7" });
            chromium.Open(app.Http.BaseAddress!, "/jobs/queues");
            chromium.Screenshot("forwarded-refused");
            Browser.FindElement(By.TagName("body")).Text.Should().Contain("serves only local requests until it has an authorization policy");
            Browser.FindElements(By.TagName("nav")).Should().BeEmpty();
        }
        finally
        {
            SetExtraHeaders([]);
        }

        chromium.Open(app.Http.BaseAddress!, "/jobs/queues");
        Browser.FindElements(By.TagName("nav")).Should().ContainSingle("the same browser without the header is served");
    }

    [Fact]
    public async Task EveryNavLinkAndAnAction_UnderAPathBase_StayUnderIt()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true, pathBase: "/ops");
        await app.EnqueueAndFinishAsync(new Succeed("under a path base"));
        chromium.Open(app.Http.BaseAddress!, "/ops/jobs/");

        string[] labels = Browser.FindElements(By.CssSelector("nav a")).Select(a => a.Text).ToArray();
        labels.Should().Equal("Overview", "Queues", "Jobs", "Batches", "Recurring", "Hosts");
        foreach (string label in labels)
        {
            Browser.FindElement(By.XPath($"//nav/a[text()='{label}']")).Click();
            chromium.WaitUntil(b => b.FindElements(By.XPath($"//nav/a[text()='{label}' and @aria-current='page']")).Count == 1);
            new Uri(Browser.Url).AbsolutePath.Should().StartWith("/ops/jobs/", label);
            chromium.Screenshot("ops-" + label.ToLowerInvariant());
        }

        Browser.FindElement(By.XPath("//nav/a[text()='Jobs']")).Click();
        chromium.WaitFor(By.XPath("//nav/a[text()='Jobs' and @aria-current='page']"));
        Browser.FindElement(By.PartialLinkText("dash-ok")).Click();
        chromium.WaitFor(By.CssSelector("pre.json"));
        new Uri(Browser.Url).AbsolutePath.Should().StartWith("/ops/jobs/jobs/");
        chromium.Screenshot("ops-job-detail");

        Browser.FindElement(By.XPath("//nav/a[text()='Queues']")).Click();
        Browser.FindElement(QueueButton("imports", "Pause")).Click();
        chromium.WaitFor(By.XPath("//*[contains(@class,'notice') and text()='Queue paused.']"));
        new Uri(Browser.Url).AbsolutePath.Should().Be("/ops/jobs/queues");
        (await app.Admin.GetQueuesAsync()).Single(q => q.Name == "imports").Paused.Should().BeTrue();
    }

    private static By QueueButton(string queue, string label) => By.XPath($"//tr[td/a[text()='{queue}']]//button[text()='{label}']");

    private void AssertNoAlertIsOpen(string page)
    {
        try
        {
            string? text = Browser.SwitchTo().Alert().Text;
            throw new Xunit.Sdk.XunitException($"{page} opened an alert: {text}");
        }
        catch (NoAlertPresentException)
        {
        }
    }

    private void SetExtraHeaders(Dictionary<string, object> headers)
        => Browser.ExecuteCdpCommand("Network.setExtraHTTPHeaders", new Dictionary<string, object?> { ["headers"] = headers });
}

using JobQueue.Storage;
using JobQueue.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace JobQueue.Dashboard.Tests.Browser;

public sealed class DashboardBrowserTests
{
    [Fact]
    public async Task Overview_InABrowser_UpdatesLiveUnderTheContentSecurityPolicy()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(o => o.LiveUpdateInterval = TimeSpan.FromSeconds(1), kestrel: true);
        using ChromeDriver browser = Chromium.Start();
        browser.Navigate().GoToUrl(new Uri(app.Http.BaseAddress!, "/jobs/").ToString());
        browser.FindElement(By.CssSelector("[data-live-state='Succeeded']")).Text.Should().Be("0");

        await app.EnqueueAndFinishAsync(new Succeed("live"));

        // The page is not reloaded: only the script, fed by server-sent events, can change these.
        new WebDriverWait(browser, Deadline.Default).Until(b => b.FindElement(By.CssSelector("[data-live-state='Succeeded']")).Text == "1");
        new WebDriverWait(browser, Deadline.Default).Until(b => b.FindElement(By.CssSelector("[data-chart-max='hour']")).Text == "1");
        browser.Manage().Logs.GetLog(LogType.Browser).Select(e => e.Message)
            .Should().NotContain(m => m.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Overview_InABrowser_KeepsTheUnservedMarkOfAQueueInStepWithItsHosts()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(o => o.LiveUpdateInterval = TimeSpan.FromSeconds(1), kestrel: true, worker: false);
        IJobStorage storage = app.Services.GetRequiredService<IJobStorage>();
        await app.Jobs.EnqueueAsync(new Succeed("waits"), new EnqueueOptions { Queue = "emails" });
        using ChromeDriver browser = Chromium.Start();
        browser.Navigate().GoToUrl(new Uri(app.Http.BaseAddress!, "/jobs/").ToString());
        string rendered = StatusOfEmails(browser);

        // Another process's worker host starts serving the queue, then stops: only the script can change the mark.
        await storage.RecordHeartbeatAsync(Heartbeats.Serving("worker-process", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), "emails"), CancellationToken.None);
        new WebDriverWait(browser, Deadline.Default).Until(b => StatusOfEmails(b) == "active");
        await storage.RemoveHostAsync(new RemoveHostRequest { HostId = "worker-process" }, CancellationToken.None);
        new WebDriverWait(browser, Deadline.Default).Until(b => StatusOfEmails(b) != "active");

        rendered.Should().StartWith("active <span class=\"badge unserved\" title=\"").And.EndWith("\">no host serves this queue</span>");
        StatusOfEmails(browser).Should().Be(rendered, "the script builds the mark the server renders, title and all");
    }

    // Read in one script call: every live update rebuilds the cell, so an element found first could be gone when read.
    private static string StatusOfEmails(IWebDriver browser) => (string)((IJavaScriptExecutor)browser).ExecuteScript(
        "return document.querySelector(\"tr[data-queue='emails'] [data-field='status']\").innerHTML;")!;

    [Fact]
    public async Task Overview_InABrowser_PollsWhenAProxyBreaksTheStream()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(o => o.LiveUpdateInterval = TimeSpan.FromSeconds(1), kestrel: true,
            proxyBreaksStreams: true);
        using ChromeDriver browser = Chromium.Start();
        browser.Navigate().GoToUrl(new Uri(app.Http.BaseAddress!, "/jobs/").ToString());
        browser.FindElement(By.CssSelector("[data-live-state='Failed']")).Text.Should().Be("0");

        await app.EnqueueAndFinishAsync(new Fail("polled"));

        new WebDriverWait(browser, Deadline.Default).Until(b => b.FindElement(By.CssSelector("[data-live-state='Failed']")).Text == "1");
    }

    [Fact]
    public async Task Overview_InABrowser_ClosesTheStreamWhileTheTabIsHidden()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true, worker: false);
        using ChromeDriver browser = Chromium.Start();
        browser.Navigate().GoToUrl(new Uri(app.Http.BaseAddress!, "/jobs/").ToString());
        await app.Streams.WaitForAsync(1, "the overview opens its stream");

        SetHidden(browser, true);
        await app.Streams.WaitForAsync(0, "the hidden tab closes its stream");
        SetHidden(browser, false);
        await app.Streams.WaitForAsync(1, "the visible tab opens it again");
    }

    // Headless chromium is never hidden; the test tells the page it is, as the browser would on a tab switch.
    private static void SetHidden(ChromeDriver browser, bool hidden)
        => browser.ExecuteScript(
            "Object.defineProperty(document, 'hidden', { value: arguments[0], configurable: true });" +
            "document.dispatchEvent(new Event('visibilitychange'));", hidden);

    [Fact]
    public async Task JobList_InABrowser_SelectAllThenDeleteAfterConfirming()
    {
        await using DashboardApp app = await DashboardApp.StartAsync(kestrel: true);
        await app.EnqueueAndFinishAsync(new Fail("one"));
        await app.EnqueueAndFinishAsync(new Fail("two"));
        using ChromeDriver browser = Chromium.Start();
        browser.Navigate().GoToUrl(new Uri(app.Http.BaseAddress!, "/jobs/jobs?state=Failed").ToString());

        browser.FindElement(By.CssSelector("[data-select-all]")).Click();
        bool allChecked = browser.FindElements(By.CssSelector("input[name='id']")).All(box => box.Selected);
        browser.FindElement(By.CssSelector("button[value='delete']")).Click();
        IAlert confirm = new WebDriverWait(browser, Deadline.Default).Until(b => b.SwitchTo().Alert())!;
        string question = confirm.Text ?? "";
        confirm.Accept();
        new WebDriverWait(browser, Deadline.Default).Until(b => b.FindElements(By.CssSelector(".notice")).Count > 0);

        allChecked.Should().BeTrue();
        question.Should().Be("Delete the selected jobs?");
        browser.FindElement(By.CssSelector(".notice")).Text.Should().Be("Deleted 2 job(s).");
        (await app.Admin.QueryJobsAsync(new JobFilter { State = JobState.Failed })).Total.Should().Be(0);
    }
}

using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using JobQueue.TestSupport;

namespace JobQueue.Dashboard.Tests.Browser;

/// <summary>
/// One headless chromium for a whole test class (starting one costs seconds on a small machine), with the helpers
/// the tests share: open a dashboard page, wait for a condition, save a screenshot of the page.
/// </summary>
public sealed class SharedChromium : IDisposable
{
    /// <summary>Where the run's screenshots go: under the test output folder, never into the repository.</summary>
    public static readonly string ScreenshotFolder = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public SharedChromium()
    {
        Driver = Chromium.Start();
        Driver.Manage().Window.Size = new System.Drawing.Size(1280, 900);
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public ChromeDriver Driver { get; }

    /// <summary>Opens a page of the app at <paramref name="site"/> with a clean slate: no cookie of an earlier test's app.</summary>
    public void Open(Uri site, string path)
    {
        Driver.Manage().Cookies.DeleteAllCookies();
        Driver.Navigate().GoToUrl(new Uri(site, path).ToString());
    }

    public void WaitUntil(Func<IWebDriver, bool> condition)
        => new WebDriverWait(Driver, Deadline.Default).Until(condition);

    /// <summary>Waits for the page a click or a submit leads to (by its notice, heading or URL) to be there.</summary>
    public IWebElement WaitFor(By element)
        => new WebDriverWait(Driver, Deadline.Default).Until(d => d.FindElements(element).FirstOrDefault(e => e.Displayed))!;

    public void Screenshot(string name)
        => Driver.GetScreenshot().SaveAsFile(Path.Combine(ScreenshotFolder, name + ".png"));

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}

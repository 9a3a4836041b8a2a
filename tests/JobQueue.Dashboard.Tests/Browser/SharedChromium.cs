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
        => Wait().Until(d => WhileNavigating(() => condition(d), notYet: false));

    /// <summary>Waits for the page a click or a submit leads to (by its notice, heading or URL) to be there.</summary>
    public IWebElement WaitFor(By element)
        => Wait().Until(d => WhileNavigating(() => d.FindElements(element).FirstOrDefault(e => e.Displayed), notYet: null))!;

    /// <summary>
    /// A wait that reads the page again when an element it found was replaced meanwhile: a click that submits a form
    /// swaps the whole document, and an element of the old one read during the swap is stale (Chromium may report
    /// that as "does not belong to the document" rather than as a stale element).
    /// </summary>
    private WebDriverWait Wait()
    {
        var wait = new WebDriverWait(Driver, Deadline.Default);
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException));
        return wait;
    }

    private static T WhileNavigating<T>(Func<T> read, T notYet)
    {
        try
        {
            return read();
        }
        catch (UnknownErrorException ex) when (ex.Message.Contains("does not belong to the document", StringComparison.Ordinal))
        {
            return notYet;
        }
    }

    public void Screenshot(string name)
        => Driver.GetScreenshot().SaveAsFile(Path.Combine(ScreenshotFolder, name + ".png"));

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
    }
}

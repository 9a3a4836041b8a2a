using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace JobQueue.Dashboard.Tests.Browser;

/// <summary>
/// Headless chromium driven by the distribution's chromedriver (eng/test.sh installs both): the dashboard's script
/// runs in a real browser under the real Content-Security-Policy. Selenium Manager is not asked to download anything.
/// </summary>
internal static class Chromium
{
    public static ChromeDriver Start()
    {
        string driver = FindOnPath("chromedriver") ?? throw new InvalidOperationException(
            "chromedriver is missing: install chromium and chromium-driver (eng/test.sh does, as root).");
        string browser = FindOnPath("chromium") ?? FindOnPath("chromium-browser") ?? throw new InvalidOperationException(
            "chromium is missing: install chromium and chromium-driver (eng/test.sh does, as root).");
        var options = new ChromeOptions { BinaryLocation = browser };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        options.SetLoggingPreference(LogType.Browser, LogLevel.All);
        ChromeDriverService service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}

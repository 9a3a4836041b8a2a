namespace WebShop.Shop;

/// <summary>The shop's settings, section "Shop" of the configuration.</summary>
public sealed class ShopOptions
{
    /// <summary>The SQLite file of the jobs; defaults to data/webshop.db under the content root.</summary>
    public string? DatabasePath { get; set; }

    /// <summary>Multiplies the simulated services' delays; 1 is realistic, tests use less.</summary>
    public double DelayScale { get; set; } = 1;

    /// <summary>How often a simulated call fails, from 0 to 1.</summary>
    public double FailureRate { get; set; } = 0.1;

    /// <summary>The base of the links in e-mails.</summary>
    public string PublicUrl { get; set; } = "http://localhost:5000";
}

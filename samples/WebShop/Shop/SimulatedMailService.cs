namespace WebShop.Shop;

/// <summary>An e-mail provider's API: 150 to 900 ms a message, and a 503 now and then.</summary>
public sealed class SimulatedMailService(ShopOptions options, ILogger<SimulatedMailService> logger) : SimulatedService(options)
{
    private int _sent;

    /// <summary>How many messages went out.</summary>
    public int Sent => Volatile.Read(ref _sent);

    public async Task SendAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        await CallAsync("mail", 150, 900, cancellationToken);
        Interlocked.Increment(ref _sent);
        logger.LogInformation("Mail '{Subject}' sent to {To} ({Length} characters)", subject, to, body.Length);
    }
}

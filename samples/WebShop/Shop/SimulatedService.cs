namespace WebShop.Shop;

/// <summary>What the simulated services share: a realistic, scaled delay, and a failure now and then.</summary>
public abstract class SimulatedService(ShopOptions options)
{
    protected async Task CallAsync(string what, int minMilliseconds, int maxMilliseconds, CancellationToken cancellationToken)
    {
        int delay = (int)(Random.Shared.Next(minMilliseconds, maxMilliseconds) * options.DelayScale);
        await Task.Delay(delay, cancellationToken);
        if (Random.Shared.NextDouble() < options.FailureRate)
        {
            throw new HttpRequestException($"{what}: the provider answered 503 Service Unavailable (simulated).");
        }
    }
}

namespace WebShop.Shop;

/// <summary>A ticketing partner that renders one ticket (a PDF) per call: 100 to 600 ms, and a 503 now and then.</summary>
public sealed class SimulatedTicketService(ShopOptions options) : SimulatedService(options)
{
    public async Task<string> RenderAsync(Guid orderId, int seat, CancellationToken cancellationToken)
    {
        await CallAsync("tickets", 100, 600, cancellationToken);
        return $"tickets/{orderId:N}/{seat:D2}.pdf";
    }
}

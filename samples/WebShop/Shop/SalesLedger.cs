using System.Collections.Concurrent;

namespace WebShop.Shop;

/// <summary>Orders dispatched so far (in memory), for the nightly report.</summary>
public sealed class SalesLedger
{
    private readonly ConcurrentQueue<(Guid Order, int Tickets, DateTimeOffset At)> _sales = new();

    public void Record(Guid order, int tickets, DateTimeOffset at) => _sales.Enqueue((order, tickets, at));

    public (int Orders, int Tickets) Since(DateTimeOffset from)
    {
        var recent = _sales.Where(s => s.At >= from).ToList();
        return (recent.Count, recent.Sum(s => s.Tickets));
    }
}

namespace WebShop.Shop;

/// <summary>One server-sent event of an order's stream: "progress" while it runs, "done" once its dispatch job has ended.</summary>
public sealed record OrderUpdate(string Event, string State, int Total, int Succeeded, int Failed, int Pending, int Retries, string? Dispatch);

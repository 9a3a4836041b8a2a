using JobQueue;
using WebShop.Shop;

namespace WebShop.Jobs;

/// <summary>Sends a sign-in link; a new account gets a welcome line too.</summary>
[JobName("send-magic-link")]
public sealed record SendMagicLink(string Email, bool NewAccount);

public sealed class SendMagicLinkJob(Accounts accounts, SimulatedMailService mail, ShopOptions options, TimeProvider time) : IJob<SendMagicLink>
{
    public async Task ExecuteAsync(SendMagicLink args, JobContext context, CancellationToken cancellationToken)
    {
        // Issued here, not in the request: the token never sits in the job's stored arguments. A retry issues a new one.
        string token = accounts.IssueToken(args.Email, time.GetUtcNow());
        string link = $"{options.PublicUrl}/signin?token={token}";
        string body = args.NewAccount
            ? $"Welcome to WebShop! Sign in with this link (valid for 15 minutes): {link}"
            : $"Sign in to WebShop with this link (valid for 15 minutes): {link}";
        await mail.SendAsync(args.Email, "Your WebShop sign-in link", body, cancellationToken);
    }
}

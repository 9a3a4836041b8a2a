using JobQueue;

namespace TicketShop.Jobs;

[JobName("send-welcome-email")]
public sealed record SendWelcomeEmail(string Email, string Name);

/// <summary>Writes a welcome e-mail into the outbox folder, as a mail server pickup directory would take it.</summary>
public sealed class SendWelcomeEmailJob(ShopFolders folders) : IJob<SendWelcomeEmail>
{
    public async Task ExecuteAsync(SendWelcomeEmail args, JobContext context, CancellationToken cancellationToken)
    {
        string message = $"""
            To: {args.Email}
            Subject: Welcome to TicketShop, {args.Name}!

            Hi {args.Name}, thanks for signing up. (job {context.JobId}, attempt {context.Attempt})
            """;
        await File.WriteAllTextAsync(Path.Combine(folders.Outbox, $"{args.Email}.eml"), message, cancellationToken);
    }
}

using JobQueue;
using WebShop.Jobs;

namespace WebShop.Shop;

/// <summary>POST /signup: the e-mail goes out through a job, so the request neither waits for nor fails with the provider.</summary>
public static class SignUpEndpoints
{
    public sealed record SignUpRequest(string? Email);

    public static void MapSignUp(this IEndpointRouteBuilder app)
    {
        app.MapPost("/signup", async (SignUpRequest request, Accounts accounts, IJobClient jobs, CancellationToken cancellationToken) =>
        {
            string? email = request.Email?.Trim();
            if (email is null || email.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(email, out _))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Enter a valid e-mail address.");
            }

            // Known or new, the answer is the same: it must not tell a caller which addresses have accounts.
            bool newAccount = accounts.Register(email);
            await jobs.EnqueueAsync(new SendMagicLink(email, newAccount), cancellationToken: cancellationToken);
            return Results.Accepted(value: new { message = "Check your inbox for a sign-in link." });
        });

        // The same sign-up with the e-mail sent inside the request: the way this sample avoids, kept to compare against
        // (benchmarks/signup.sh). The caller waits for the provider and gets its failures.
        app.MapPost("/signup/inline", async (SignUpRequest request, Accounts accounts, SimulatedMailService mail, ShopOptions options,
            TimeProvider time, CancellationToken cancellationToken) =>
        {
            string? email = request.Email?.Trim();
            if (email is null || email.Length > 254 || !System.Net.Mail.MailAddress.TryCreate(email, out _))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Enter a valid e-mail address.");
            }

            accounts.Register(email);
            string link = $"{options.PublicUrl}/signin?token={accounts.IssueToken(email, time.GetUtcNow())}";
            try
            {
                await mail.SendAsync(email, "Your WebShop sign-in link", $"Sign in to WebShop with this link: {link}", cancellationToken);
            }
            catch (HttpRequestException)
            {
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "We could not send the e-mail; try again.");
            }

            return Results.Accepted(value: new { message = "Check your inbox for a sign-in link." });
        });
    }
}

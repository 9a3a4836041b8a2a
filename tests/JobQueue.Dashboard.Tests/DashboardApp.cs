using System.Net;
using System.Text.RegularExpressions;
using JobQueue.Sqlite;
using JobQueue.TestSupport;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JobQueue.Dashboard.Tests;

/// <summary>
/// A real ASP.NET Core app with a real JobQueue (in memory, or SQLite in a temp file) and its worker host, the dashboard
/// mapped at /jobs, served in memory by TestServer (or by Kestrel on loopback). TestServer has no connection, so the
/// test says where a request comes from: loopback unless the request carries <see cref="RemoteHeader"/>.
/// </summary>
internal sealed partial class DashboardApp : IAsyncDisposable
{
    public const string RemoteHeader = "X-Test-Remote-Address";
    public const string OpsKeyHeader = "X-Test-Ops-Key";

    private readonly WebApplication _app;
    private readonly string? _folder;
    private string? _token;
    private string? _pathBase;

    private DashboardApp(WebApplication app, HttpClient client, string? folder)
    {
        _app = app;
        Http = client;
        _folder = folder;
    }

    public HttpClient Http { get; }

    /// <summary>The live-update streams the server holds open now.</summary>
    public OpenStreams Streams { get; private init; } = new();

    public IServiceProvider Services => _app.Services;

    public IJobClient Jobs => Services.GetRequiredService<IJobClient>();

    public IJobAdmin Admin => Services.GetRequiredService<IJobAdmin>();

    public IRecurringJobs Recurring => Services.GetRequiredService<IRecurringJobs>();

    /// <summary>Starts the app. <paramref name="map"/> replaces the default mapping (app.MapJobQueueDashboard("/jobs", configure)).</summary>
    public static async Task<DashboardApp> StartAsync(Action<DashboardOptions>? configure = null, bool policy = false, string? pathBase = null,
        bool sqlite = false, bool kestrel = false, bool worker = true, bool proxyBreaksStreams = false)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        string? folder = null;
        if (kestrel)
        {
            builder.WebHost.UseUrls("http://127.0.0.1:0");
        }
        else
        {
            builder.WebHost.UseTestServer();
        }

        builder.Services.AddJobQueue(q =>
        {
            if (sqlite)
            {
                folder = Path.Combine(Path.GetTempPath(), "jobqueue-dashboard-tests", Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(folder);
                q.UseSqlite(Path.Combine(folder, "jobs.db"));
            }
            else
            {
                q.UseInMemory();
            }

            q.AddQueue("imports", 2);
            q.AddJob<SucceedJob>();
            q.AddJob<FailJob>(j => j.MaxAttempts = 1);
            q.Configure(o => o.PollInterval = TimeSpan.FromMilliseconds(50));
            if (!worker)
            {
                q.Configure(o => o.RunWorker = false);
            }
        });
        builder.Services.AddAntiforgery();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorization(o => o.AddPolicy("ops", p => p.RequireAssertion(c =>
            c.Resource is HttpContext http && http.Request.Headers[OpsKeyHeader] == "let-me-in")));

        WebApplication app = builder.Build();
        if (!kestrel)
        {
            app.Use((context, next) =>
            {
                context.Connection.RemoteIpAddress = context.Request.Headers.TryGetValue(RemoteHeader, out var address)
                    ? IPAddress.Parse(address.ToString())
                    : IPAddress.Loopback;
                return next(context);
            });
        }

        var streams = new OpenStreams();
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.Value?.EndsWith("/api/stream", StringComparison.Ordinal) != true)
            {
                await next(context);
                return;
            }

            streams.Opened();
            try
            {
                await next(context);
            }
            finally
            {
                streams.Closed();
            }
        });

        if (proxyBreaksStreams)
        {
            // What a proxy that cannot pass server-sent events through does to them: the browser's EventSource gives up.
            app.Use((context, next) =>
            {
                if (context.Request.Path.Value?.EndsWith("/api/stream", StringComparison.Ordinal) == true)
                {
                    context.Response.StatusCode = StatusCodes.Status502BadGateway;
                    return Task.CompletedTask;
                }

                return next(context);
            });
        }

        if (pathBase is not null)
        {
            app.UsePathBase(pathBase);
        }

        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        IEndpointConventionBuilder dashboard = app.MapJobQueueDashboard("/jobs", configure);
        if (policy)
        {
            dashboard.RequireAuthorization("ops");
        }

        await app.StartAsync();
        HttpMessageHandler handler = kestrel ? new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false } : app.GetTestServer().CreateHandler();
        var client = new HttpClient(new CookieHandler(handler)) { BaseAddress = new Uri(kestrel ? app.Urls.First() : "http://localhost") };
        return new DashboardApp(app, client, folder) { _pathBase = pathBase, Streams = streams };
    }

    public Task<HttpResponseMessage> GetAsync(string path, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure?.Invoke(request);
        return Http.SendAsync(request);
    }

    public async Task<string> GetPageAsync(string path)
    {
        HttpResponseMessage response = await GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"GET {path} answered: {body}");
        if (AntiforgeryField().Match(body) is { Success: true } match)
        {
            _token = WebUtility.HtmlDecode(match.Groups[1].Value);
        }

        return body;
    }

    /// <summary>Posts a form as the page would, with the antiforgery token of a page read first (unless told not to).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, IEnumerable<KeyValuePair<string, string>>? fields = null, bool withToken = true)
    {
        var form = new List<KeyValuePair<string, string>>(fields ?? []);
        if (withToken)
        {
            if (_token is null)
            {
                await ReadTokenAsync();
            }

            form.Add(new("__RequestVerificationToken", _token!));
        }

        return await Http.PostAsync(path, new FormUrlEncodedContent(form));
    }

    /// <summary>
    /// Reads an antiforgery token as a browser gets it: from a page with a form, here the job list showing one job that
    /// never runs (a failing job in a queue of its own, due in an hour).
    /// </summary>
    public async Task ReadTokenAsync()
    {
        await Jobs.EnqueueAsync(new Fail("token"), new EnqueueOptions { Queue = "token-holder", Delay = TimeSpan.FromHours(1) });
        await GetPageAsync(_pathBase + "/jobs/jobs?queue=token-holder");
        _token.Should().NotBeNull("the job list has a form with an antiforgery token");
    }

    public async Task<JobInfo> EnqueueAndFinishAsync<TArgs>(TArgs args, EnqueueOptions? options = null)
    {
        JobId id = await Jobs.EnqueueAsync(args, options);
        return await Deadline.Within(Jobs.WaitForCompletionAsync(id).AsTask(), $"job {id} finishes");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_folder is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    /// <summary>Counts the open event streams and lets a test await a count.</summary>
    public sealed class OpenStreams
    {
        private readonly Lock _lock = new();
        private int _open;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Opened() => Change(+1);

        public void Closed() => Change(-1);

        public async Task WaitForAsync(int count, string what)
        {
            while (true)
            {
                Task changed;
                lock (_lock)
                {
                    if (_open == count)
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                await Deadline.Within(changed, what);
            }
        }

        private void Change(int delta)
        {
            TaskCompletionSource changed;
            lock (_lock)
            {
                _open += delta;
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.SetResult();
        }
    }

    /// <summary>Keeps cookies (the antiforgery cookie) between requests, as a browser does.</summary>
    private sealed class CookieHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly CookieContainer _cookies = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string header = _cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out IEnumerable<string>? values))
            {
                foreach (string value in values)
                {
                    _cookies.SetCookies(request.RequestUri!, value);
                }
            }

            return response;
        }
    }
}

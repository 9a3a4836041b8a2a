using JobQueue.Redis.Storage;
using JobQueue.TestSupport;

namespace JobQueue.Redis.Tests.Storage;

/// <summary>
/// The orders in which StackExchange.Redis can report a refused handshake: its attempts arrive on worker threads, in
/// either order, and apart from its connection-failed event. Driven here one order at a time, which a real server
/// cannot be made to produce on demand.
/// </summary>
public sealed class TlsFailuresTests
{
    private const string Abandoned = "TLS with Redis at 127.0.0.1:6380 failed before the server's certificate was checked (abandoned to retry).";
    private const string Untrusted = "TLS with Redis at 127.0.0.1:6380 failed: the server's certificate is not trusted by the system (UntrustedRoot).";

    [Fact]
    public void Failed_TheVerdictOfAnOlderAttemptArrivesAfterANewerAbandonedOne_TheVerdictIsNamed()
    {
        var failures = new TlsFailures();

        failures.Failed(Abandoned, checkedCertificate: false, late: false);
        failures.Failed(Untrusted, checkedCertificate: true, late: true);

        failures.Description.Should().Be(Untrusted);
    }

    [Fact]
    public void Failed_AnAbandonedAttemptAfterAVerdict_DoesNotHideIt()
    {
        var failures = new TlsFailures();

        failures.Failed(Untrusted, checkedCertificate: true, late: false);
        failures.Failed(Abandoned, checkedCertificate: false, late: false);

        failures.Description.Should().Be(Untrusted);
    }

    [Fact]
    public void Failed_ALateVerdictAfterANewerAttemptGotThrough_IsIgnored()
    {
        var failures = new TlsFailures();
        failures.Failed(Abandoned, checkedCertificate: false, late: false);

        failures.Connected();
        failures.Failed(Untrusted, checkedCertificate: true, late: true);

        failures.Description.Should().BeNull();
    }

    [Fact]
    public async Task WaitForVerdictAsync_OnlyAnAbandonedAttemptKnown_WaitsUntilTheVerdictArrives()
    {
        var failures = new TlsFailures();
        var connecting = new TaskCompletionSource();
        failures.Failed(Abandoned, checkedCertificate: false, late: false);

        Task waiting = failures.WaitForVerdictAsync(connecting.Task, TimeSpan.FromMinutes(10));
        bool waitedBeforeTheVerdict = !waiting.IsCompleted;
        failures.Failed(Untrusted, checkedCertificate: true, late: true);
        await Deadline.Within(waiting, "the wait for the certificate's verdict");

        waitedBeforeTheVerdict.Should().BeTrue("the failure known when the caller was woken said nothing about the certificate");
        failures.Description.Should().Be(Untrusted);
    }

    [Fact]
    public void WaitForVerdictAsync_AVerdictKnownAlready_CompletesAtOnce()
    {
        var failures = new TlsFailures();
        failures.Failed(Untrusted, checkedCertificate: true, late: false);

        failures.WaitForVerdictAsync(new TaskCompletionSource().Task, TimeSpan.FromMinutes(10)).IsCompleted.Should().BeTrue();
    }
}

namespace JobQueue.Redis.Storage;

/// <summary>
/// Why the TLS handshakes of a store's own connection failed, for the error of a first enqueue that could not be
/// sent. A handshake the client abandoned (to retry it) says nothing about the server's certificate, so it never hides
/// an earlier verdict on it; and because the client reports attempts on worker threads, in either order and apart
/// from its connection-failed event, a late verdict still counts, and a caller can wait a moment for one.
/// </summary>
internal sealed class TlsFailures
{
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _verdict = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _description;
    private bool _checked;

    /// <summary>The failure to name, or null: no handshake failed, or the last attempt got through.</summary>
    public string? Description
    {
        get
        {
            lock (_lock)
            {
                return _description;
            }
        }
    }

    /// <summary>Records a failed handshake.</summary>
    /// <param name="description">What failed, naming the fix.</param>
    /// <param name="checkedCertificate">Whether the failure rests on a check of the server's certificate.</param>
    /// <param name="late">The attempt is older than one already recorded (its outcome arrived late).</param>
    public void Failed(string description, bool checkedCertificate, bool late)
    {
        lock (_lock)
        {
            // A late outcome counts only as a verdict on the certificate, and only while no newer attempt got through.
            if (late && (!checkedCertificate || _description is null || _checked))
            {
                return;
            }

            if (checkedCertificate || _description is null)
            {
                _description = description;
            }

            if (checkedCertificate)
            {
                _checked = true;
                _verdict.TrySetResult();
            }
        }
    }

    /// <summary>An attempt got through: no failure to name any more.</summary>
    public void Connected()
    {
        lock (_lock)
        {
            _description = null;
            _checked = false;
        }
    }

    /// <summary>
    /// When the failure known so far says nothing about the certificate, waits up to <paramref name="grace"/> for an
    /// attempt's verdict on it, or for <paramref name="connecting"/> to end; completes at once otherwise.
    /// </summary>
    public Task WaitForVerdictAsync(Task connecting, TimeSpan grace)
    {
        lock (_lock)
        {
            if (_description is null || _checked)
            {
                return Task.CompletedTask;
            }
        }

        return Task.WhenAny(connecting, _verdict.Task, Task.Delay(grace));
    }
}

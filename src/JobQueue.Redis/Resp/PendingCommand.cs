namespace JobQueue.Redis.Resp;

/// <summary>A command queued on a connection and, once written, waiting for its reply.</summary>
/// <remarks>
/// Continuations of <see cref="Reply"/> run where the reply is completed, so the connection decides per
/// completion whether a caller's code may run on the current thread (<see cref="Complete"/>) or must be handed to
/// the thread pool (<see cref="CompleteLater"/>, <see cref="Fail"/>). See <see cref="RespConnection"/> for when
/// running it here is safe.
/// </remarks>
internal sealed class PendingCommand
{
    private readonly TaskCompletionSource<RespValue> _reply = new();

    public PendingCommand(RespCommand command, bool expectsReply, long deadline)
    {
        Command = command;
        ExpectsReply = expectsReply;
        Deadline = deadline;
    }

    /// <summary>When the caller stops waiting, in <see cref="Environment.TickCount64"/> milliseconds.</summary>
    public long Deadline { get; }

    public RespCommand Command { get; }

    /// <summary>False for SUBSCRIBE-style commands whose answers arrive as pushes, not as a reply in order.</summary>
    public bool ExpectsReply { get; }

    public Task<RespValue> Reply => _reply.Task;

    /// <summary>Completes the reply now: the caller's continuation may run on this thread before this returns.</summary>
    public void Complete(RespValue value)
    {
        if (value.Type == RespType.Error)
        {
            _reply.TrySetException(new RedisServerException(Command.Name, value.ErrorMessage));
        }
        else
        {
            _reply.TrySetResult(value);
        }
    }

    /// <summary>Completes the reply from the thread pool, so the caller's continuation never runs on this thread.</summary>
    public void CompleteLater(RespValue value)
        => ThreadPool.UnsafeQueueUserWorkItem(static state => state.Pending.Complete(state.Value), (Pending: this, Value: value), preferLocal: true);

    /// <summary>Fails the reply from the thread pool: failures come from timers, writers and disposal, none of which may run a caller's code.</summary>
    public void Fail(Exception exception)
        => ThreadPool.UnsafeQueueUserWorkItem(static state => state.Reply.TrySetException(state.Exception), (Reply: _reply, Exception: exception), preferLocal: false);
}

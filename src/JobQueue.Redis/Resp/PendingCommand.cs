namespace JobQueue.Redis.Resp;

/// <summary>A command queued on a connection and, once written, waiting for its reply.</summary>
internal sealed class PendingCommand
{
    // Continuations run asynchronously so a caller's code never runs on (and stalls) the read loop.
    private readonly TaskCompletionSource<RespValue> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    public void Fail(Exception exception) => _reply.TrySetException(exception);
}

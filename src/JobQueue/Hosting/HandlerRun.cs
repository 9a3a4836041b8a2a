using System.Text.Json;
using System.Threading.Tasks.Sources;
using JobQueue.Registration;

namespace JobQueue.Hosting;

/// <summary>
/// One handler invocation, started on the thread pool and awaited with a way out: once the attempt is stopped
/// (timeout, cancel, lost lease, shutdown) the handler has a grace period to end, after which the attempt is
/// abandoned and awaiting it throws <see cref="HandlerAbandonedException"/> while the handler runs on.
/// </summary>
/// <remarks>
/// One object per attempt, itself the awaited value task, stands in for what Task.Run, Task.WaitAsync and a
/// second timer-backed token source cost before: four to five allocations on every job's path. The grace timer
/// exists only once the attempt was stopped.
/// </remarks>
internal sealed class HandlerRun : IValueTaskSource<byte[]?>, IThreadPoolWorkItem
{
    private ManualResetValueTaskSourceCore<byte[]?> _outcome;
    private int _completed;
    private readonly JobInvoker _invoker;
    private readonly IServiceProvider _services;
    private readonly object _args;
    private readonly JobContext _context;
    private readonly JsonSerializerOptions _serializerOptions;
    private readonly CancellationToken _cancellationToken;
    private readonly TimeProvider _time;
    private readonly TimeSpan _grace;
    private ITimer? _graceTimer;
    private Task<byte[]?>? _handler;

    // The executor's context (its log scope, its trace activity, the caller's async locals), which the handler
    // must see as Task.Run would have shown it; the pool's work item alone does not carry it.
    private ExecutionContext? _executionContext;

    // Counts the two parties of an abandoned attempt's clean-up: the engine handing it over, and the handler
    // ending (or never starting). Whoever comes second runs it, so it runs exactly once, after both.
    private int _cleanupParties;
    private Action<Task<byte[]?>?>? _cleanup;

    public HandlerRun(JobInvoker invoker, IServiceProvider services, object args, JobContext context, JsonSerializerOptions serializerOptions,
        CancellationToken cancellationToken, TimeProvider time, TimeSpan grace)
    {
        _invoker = invoker;
        _services = services;
        _args = args;
        _context = context;
        _serializerOptions = serializerOptions;
        _cancellationToken = cancellationToken;
        _time = time;
        _grace = grace;
    }

    /// <summary>True once the attempt has an outcome: the handler's, or abandonment.</summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Queues the handler; a handler that blocks before its first await holds a pool thread, not the caller.</summary>
    /// <remarks>Awaited once, by the executor.</remarks>
    public ValueTask<byte[]?> Start()
    {
        _executionContext = ExecutionContext.Capture();
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        return new ValueTask<byte[]?>(this, _outcome.Version);
    }

    /// <summary>The attempt was stopped: the handler now has the grace period to end.</summary>
    public void StartGrace()
    {
        if (IsCompleted || Volatile.Read(ref _graceTimer) is not null)
        {
            return;
        }

        ITimer timer = _time.CreateTimer(static state => ((HandlerRun)state!).Abandon(), this, _grace, Timeout.InfiniteTimeSpan);
        if (Interlocked.CompareExchange(ref _graceTimer, timer, null) is not null)
        {
            timer.Dispose(); // a concurrent stop started the grace first
        }
    }

    /// <summary>
    /// For an abandoned attempt: runs <paramref name="cleanup"/> once the handler has ended (with its task), or at
    /// once with null if the handler never started.
    /// </summary>
    public void WhenAbandonedHandlerEnds(Action<Task<byte[]?>?> cleanup)
    {
        _cleanup = cleanup;
        if (Interlocked.Increment(ref _cleanupParties) == 2)
        {
            cleanup(Volatile.Read(ref _handler));
        }
    }

    /// <summary>Stops the grace timer of an attempt that ended in time.</summary>
    public void EndGrace() => Volatile.Read(ref _graceTimer)?.Dispose();

    void IThreadPoolWorkItem.Execute()
    {
        if (IsCompleted)
        {
            // Abandoned before a pool thread was free: the attempt is over, so the handler never starts.
            HandlerEnded();
            return;
        }

        if (_executionContext is { } context)
        {
            ExecutionContext.Run(context, static state => ((HandlerRun)state!).Invoke(), this);
        }
        else
        {
            Invoke();
        }
    }

    private void Invoke()
    {
        Task<byte[]?> handler;
        try
        {
            handler = _invoker.InvokeAsync(_services, _args, _context, _serializerOptions, _cancellationToken);
        }
#pragma warning disable CA1031 // What the handler throws is the attempt's outcome.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            handler = Task.FromException<byte[]?>(ex);
        }

        Volatile.Write(ref _handler, handler);
        if (handler.IsCompleted)
        {
            Complete(handler);
        }
        else
        {
            handler.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(Complete);
        }
    }

    private void Complete() => Complete(_handler!);

    private void Complete(Task<byte[]?> handler)
    {
        byte[]? result = null;
        Exception? error = null;
        try
        {
            // GetResult throws exactly what awaiting the handler would: its exception, or its cancellation.
            result = handler.GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // Handed to the engine, which records it on the job.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            error = ex;
        }

        // The executor resumes on this thread, as it would awaiting the handler's own task.
        TryComplete(result, error, continueHere: true);
        HandlerEnded();
    }

    // A timer thread must not run the executor's outcome write: it resumes on the thread pool instead.
    private void Abandon() => TryComplete(null, new HandlerAbandonedException(), continueHere: false);

    private void TryComplete(byte[]? result, Exception? error, bool continueHere)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return;
        }

        _outcome.RunContinuationsAsynchronously = !continueHere;
        if (error is null)
        {
            _outcome.SetResult(result);
        }
        else
        {
            _outcome.SetException(error);
        }
    }

    byte[]? IValueTaskSource<byte[]?>.GetResult(short token) => _outcome.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<byte[]?>.GetStatus(short token) => _outcome.GetStatus(token);

    void IValueTaskSource<byte[]?>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _outcome.OnCompleted(continuation, state, token, flags);

    private void HandlerEnded()
    {
        if (Interlocked.Increment(ref _cleanupParties) == 2)
        {
            _cleanup!(Volatile.Read(ref _handler));
        }
    }
}

using System.Collections.Concurrent;
using JobQueue.Storage;
using JobQueue.TestSupport;

namespace JobQueue.Tests.Storage;

public sealed class WriteCoalescerTests
{
    private readonly ConcurrentQueue<int[]> _calls = new();

    [Fact]
    public async Task WriteAsync_LoneCaller_GoesOutAloneAtOnce()
    {
        var coalescer = new WriteCoalescer<int, int>(items => Record(items, x => x * 2), maxBatch: 100);

        int result = await coalescer.WriteAsync(21, CancellationToken.None);

        result.Should().Be(42);
        _calls.Should().ContainSingle().Which.Should().Equal(21);
    }

    [Fact]
    public async Task WriteAsync_LoneCallerAndSynchronousStore_IsWrittenBeforeTheCallReturns()
    {
        var coalescer = new WriteCoalescer<int, int>(items => Record(items, x => x * 2), maxBatch: 100);

        Task<int> write = coalescer.WriteAsync(21, CancellationToken.None);

        write.IsCompletedSuccessfully.Should().BeTrue("the first writer drains on its own thread, with no hop to the thread pool");
        (await write).Should().Be(42);
    }

    [Fact]
    public async Task WriteAsync_LaterBatch_DoesNotCarryTheStartingWritersAsyncLocals()
    {
        var callerValue = new AsyncLocal<string?>();
        var seen = new ConcurrentQueue<string?>();
        var releaseFirstCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new WriteCoalescer<int, int>(
            async items =>
            {
                seen.Enqueue(callerValue.Value);
                if (seen.Count == 1)
                {
                    // As every store does: the rest of the write runs on the thread pool, not the caller's context.
                    await releaseFirstCall.Task.ConfigureAwait(false);
                }

                return await Record(items, x => x).ConfigureAwait(false);
            },
            maxBatch: 100);

        callerValue.Value = "first writer";
        Task<int> first = coalescer.WriteAsync(1, CancellationToken.None);
        callerValue.Value = "second writer";
        Task<int> second = coalescer.WriteAsync(2, CancellationToken.None);
        releaseFirstCall.SetResult();
        await Deadline.Within(Task.WhenAll(first, second), "both writes");

        seen.Should().Equal("first writer", null);
    }

    [Fact]
    public async Task WriteAsync_TokenAlreadyCancelled_ThrowsAndHandsNothingOver()
    {
        var coalescer = new WriteCoalescer<int, int>(items => Record(items, x => x), maxBatch: 100);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        Func<Task> gaveUp = () => coalescer.WriteAsync(1, cancelled.Token);
        int kept = await coalescer.WriteAsync(2, CancellationToken.None);

        await gaveUp.Should().ThrowAsync<OperationCanceledException>();
        kept.Should().Be(2);
        _calls.SelectMany(call => call).Should().Equal(2);
    }

    [Fact]
    public async Task WriteAsync_CallersArriveWhileACallIsInFlight_ShareTheNextCall()
    {
        var firstCallStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirstCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new WriteCoalescer<int, int>(
            async items =>
            {
                if (_calls.IsEmpty)
                {
                    firstCallStarted.SetResult();
                    await releaseFirstCall.Task;
                }

                return await Record(items, x => x + 1000);
            },
            maxBatch: 100);

        Task<int> first = coalescer.WriteAsync(0, CancellationToken.None);
        await Deadline.Within(firstCallStarted.Task, "the first call");
        Task<int>[] queued = Enumerable.Range(1, 10).Select(i => coalescer.WriteAsync(i, CancellationToken.None)).ToArray();
        releaseFirstCall.SetResult();
        int[] results = await Deadline.Within(Task.WhenAll(queued.Prepend(first)), "every write");

        results.Should().Equal(Enumerable.Range(0, 11).Select(i => i + 1000));
        _calls.Select(c => c.Length).Should().Equal(1, 10);
    }

    [Fact]
    public async Task WriteAsync_LoneCallFailsWhileOthersQueued_OnlyTheLoneCallerSeesTheErrorAndTheQueuedAreWritten()
    {
        var firstCallStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirstCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new WriteCoalescer<int, int>(
            async items =>
            {
                if (items[0] == 0)
                {
                    firstCallStarted.SetResult();
                    await releaseFirstCall.Task;
                    throw new InvalidOperationException("the store went away");
                }

                return await Record(items, x => x);
            },
            maxBatch: 100);

        Task<int> first = coalescer.WriteAsync(0, CancellationToken.None);
        await Deadline.Within(firstCallStarted.Task, "the first call");
        Task<int>[] queued = Enumerable.Range(1, 3).Select(i => coalescer.WriteAsync(i, CancellationToken.None)).ToArray();
        releaseFirstCall.SetResult();
        int[] results = await Deadline.Within(Task.WhenAll(queued), "the queued writes");

        await first.Invoking(t => t).Should().ThrowAsync<InvalidOperationException>().WithMessage("the store went away");
        results.Should().Equal(1, 2, 3);
        _calls.Should().ContainSingle().Which.Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task WriteAsync_MoreQueuedThanMaxBatch_SplitsIntoCallsOfAtMostMaxBatch()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new WriteCoalescer<int, int>(
            async items =>
            {
                await gate.Task;
                return await Record(items, x => x);
            },
            maxBatch: 4);

        Task<int>[] writes = Enumerable.Range(0, 13).Select(i => coalescer.WriteAsync(i, CancellationToken.None)).ToArray();
        gate.SetResult();
        await Deadline.Within(Task.WhenAll(writes), "every write");

        _calls.Should().OnlyContain(c => c.Length <= 4);
        _calls.SelectMany(c => c).Should().BeEquivalentTo(Enumerable.Range(0, 13));
    }

    [Fact]
    public async Task WriteAsync_BulkCallThrows_EachItemIsWrittenAloneAndOnlyTheBadOneFails()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new WriteCoalescer<int, int>(
            async items =>
            {
                await gate.Task;
                return items.Contains(13) ? throw new InvalidOperationException("13 is unlucky") : await Record(items, x => -x);
            },
            maxBatch: 100);

        Task<int>[] writes = new[] { 1, 13, 2 }.Select(i => coalescer.WriteAsync(i, CancellationToken.None)).ToArray();
        gate.SetResult();
        await Deadline.Within(Task.WhenAny(Task.WhenAll(writes)), "every write");

        (await writes[0]).Should().Be(-1);
        (await writes[2]).Should().Be(-2);
        await writes[1].Invoking(t => t).Should().ThrowAsync<InvalidOperationException>().WithMessage("13 is unlucky");
    }

    [Fact]
    public async Task WriteAsync_BulkCallTimesOut_EveryItemFailsWithoutACallOfItsOwn()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new WriteCoalescer<int, int>(
            async items =>
            {
                _calls.Enqueue(items.ToArray());
                await gate.Task;

                // As a driver reports a stalled connection: its own exception, caused by a time-out.
                throw new IOException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt"));
            },
            maxBatch: 100);

        Task<int>[] writes = new[] { 1, 2, 3 }.Select(i => coalescer.WriteAsync(i, CancellationToken.None)).ToArray();
        gate.SetResult();
        await Deadline.Within(Task.WhenAny(Task.WhenAll(writes)), "every write");

        foreach (Task<int> write in writes)
        {
            await write.Invoking(t => t).Should().ThrowAsync<IOException>().WithInnerException(typeof(TimeoutException));
        }

        _calls.Should().HaveCount(2, "the first write goes out alone, the two queued behind it share one call, and nothing is sent again item by item")
            .And.SatisfyRespectively(
                first => first.Should().Equal(1),
                second => second.Should().Equal(2, 3));
    }

    private ValueTask<IReadOnlyList<int>> Record(IReadOnlyList<int> items, Func<int, int> map)
    {
        _calls.Enqueue(items.ToArray());
        return ValueTask.FromResult<IReadOnlyList<int>>(items.Select(map).ToArray());
    }
}

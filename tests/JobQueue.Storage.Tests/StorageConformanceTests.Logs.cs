using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

// Job logs: stored per job and attempt as opaque text, replaced per attempt, deleted with the job.
public abstract partial class StorageConformanceTests
{
    // Text a store could be tempted to interpret: SQL, Lua, JSON, a Redis protocol line, a NUL escape and non-ASCII.
    private const string HostileLogText = "[{\"m\":\"'; DROP TABLE jobs; -- ]] redis.call('FLUSHALL') \\r\\n*1\\r\\n$4\\r\\nPING \\u0000 ünïcødé 日本\"}]";

    [Fact]
    public async Task SaveJobLogsAsync_SeveralAttemptsAndJobs_ReadBackPerAttemptInOrderAsWritten()
    {
        NewJob first = await EnqueueOneAsync(Job());
        NewJob second = await EnqueueOneAsync(Job());

        await Storage.SaveJobLogsAsync(
        [
            new JobLogWrite { Id = first.Id, Attempt = 2, Text = "second attempt", DroppedLines = 0 },
            new JobLogWrite { Id = first.Id, Attempt = 1, Text = HostileLogText, DroppedLines = 7 },
            new JobLogWrite { Id = second.Id, Attempt = 1, Text = "other job", DroppedLines = 0 },
        ], Ct);
        IReadOnlyList<StoredJobLog> logs = await Storage.GetJobLogsAsync(first.Id, Ct);
        IReadOnlyList<StoredJobLog> others = await Storage.GetJobLogsAsync(second.Id, Ct);

        logs.Select(l => (l.Attempt, l.Text, l.DroppedLines)).Should().Equal((1, HostileLogText, 7), (2, "second attempt", 0));
        others.Select(l => (l.Attempt, l.Text)).Should().Equal((1, "other job"));
    }

    [Fact]
    public async Task SaveJobLogsAsync_SameAttemptAgain_ReplacesItsLog()
    {
        NewJob job = await EnqueueOneAsync(Job());
        await Storage.SaveJobLogsAsync([new JobLogWrite { Id = job.Id, Attempt = 1, Text = "early", DroppedLines = 0 }], Ct);

        await Storage.SaveJobLogsAsync([new JobLogWrite { Id = job.Id, Attempt = 1, Text = "later", DroppedLines = 3 }], Ct);

        (await Storage.GetJobLogsAsync(job.Id, Ct)).Should().ContainSingle()
            .Which.Should().Be(new StoredJobLog { Attempt = 1, Text = "later", DroppedLines = 3 });
    }

    [Fact]
    public async Task SaveJobLogsAsync_UnknownJob_IsSkippedAndTheOthersWritten()
    {
        NewJob job = await EnqueueOneAsync(Job());
        var unknown = JobId.New();

        await Storage.SaveJobLogsAsync(
        [
            new JobLogWrite { Id = unknown, Attempt = 1, Text = "orphan", DroppedLines = 0 },
            new JobLogWrite { Id = job.Id, Attempt = 1, Text = "kept", DroppedLines = 0 },
        ], Ct);

        (await Storage.GetJobLogsAsync(unknown, Ct)).Should().BeEmpty();
        (await Storage.GetJobLogsAsync(job.Id, Ct)).Should().ContainSingle().Which.Text.Should().Be("kept");
    }

    [Fact]
    public async Task GetJobLogsAsync_JobPrunedOrDeleted_LogsAreGoneWithIt()
    {
        NewJob pruned = await EnqueueOneAsync(Job());
        NewJob deleted = await EnqueueOneAsync(Job());
        NewJob kept = await EnqueueOneAsync(Job());
        await Storage.SaveJobLogsAsync(
        [
            new JobLogWrite { Id = pruned.Id, Attempt = 1, Text = "p", DroppedLines = 0 },
            new JobLogWrite { Id = deleted.Id, Attempt = 1, Text = "d", DroppedLines = 0 },
            new JobLogWrite { Id = kept.Id, Attempt = 1, Text = "k", DroppedLines = 0 },
        ], Ct);
        await CompleteAsync(await FetchOneAsync(now: At(100)), At(200));
        await CompleteAsync(await FetchOneAsync(now: At(300)), At(400));

        int prunedCount = await Storage.PruneAsync(new PruneRequest { FinishedBefore = At(300), Limit = 10 }, Ct);
        IReadOnlyList<DeleteOutcome> deletes = await Storage.DeleteAsync(new DeleteRequest { Ids = [deleted.Id] }, Ct);

        prunedCount.Should().Be(1);
        deletes.Should().Equal(DeleteOutcome.Deleted);
        (await Storage.GetJobLogsAsync(pruned.Id, Ct)).Should().BeEmpty();
        (await Storage.GetJobLogsAsync(deleted.Id, Ct)).Should().BeEmpty();
        (await Storage.GetJobLogsAsync(kept.Id, Ct)).Should().ContainSingle().Which.Text.Should().Be("k");

        // A log written after its job is gone is not kept either.
        await Storage.SaveJobLogsAsync([new JobLogWrite { Id = pruned.Id, Attempt = 2, Text = "late", DroppedLines = 0 }], Ct);
        (await Storage.GetJobLogsAsync(pruned.Id, Ct)).Should().BeEmpty();
    }
}

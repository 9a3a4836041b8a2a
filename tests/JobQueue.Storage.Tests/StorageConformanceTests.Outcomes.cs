using System.Text;
using JobQueue.Storage;

namespace JobQueue.Storage.Tests;

public abstract partial class StorageConformanceTests
{
    [Fact]
    public async Task CompleteAsync_CurrentLease_SucceedsWithResultAndClearsLease()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(1_000));
        byte[] result = Encoding.UTF8.GetBytes("{\"ok\":true}");

        bool completed = await CompleteAsync(leased, At(1_500), result);

        completed.Should().BeTrue();
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Succeeded);
        stored.Result.Should().Equal(result);
        stored.FinishedAt.Should().Be(At(1_500));
        stored.StartedAt.Should().Be(At(1_000));
        stored.Attempt.Should().Be(1);
        stored.LeaseToken.Should().BeNull();
        stored.LeaseExpiresAt.Should().BeNull();
        stored.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task CompleteAsync_NoResult_SucceedsWithNullResult()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync();

        (await CompleteAsync(leased, At(1_500))).Should().BeTrue();

        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Succeeded);
        stored.Result.Should().BeNull();
    }

    [Fact]
    public async Task CompleteAsync_WrongToken_RefusedAndNothingWritten()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync();

        bool completed = await CompleteAsync(leased, At(1_500), [1, 2, 3], token: Guid.NewGuid());

        completed.Should().BeFalse();
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Running);
        stored.Result.Should().BeNull();
        stored.FinishedAt.Should().BeNull();
        stored.LeaseToken.Should().Be(leased.LeaseToken);
    }

    [Fact]
    public async Task CompleteAsync_Twice_SecondIsRefused()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync();
        await CompleteAsync(leased, At(1_500), [1]);

        bool again = await CompleteAsync(leased, At(1_600), [2]);

        again.Should().BeFalse();
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.Result.Should().Equal((byte)1);
        stored.FinishedAt.Should().Be(At(1_500));
    }

    [Fact]
    public async Task CompleteAsync_UnknownOrNotLeasedJobs_RefusedPerItem()
    {
        NewJob waiting = Job(queue: "idle");
        await EnqueueAsync(Job(), waiting);
        StoredJob leased = await FetchOneAsync();

        IReadOnlyList<bool> results = await Storage.CompleteAsync(
            [
                new JobCompletion { Id = JobId.New(), LeaseToken = leased.LeaseToken!.Value, Now = At(2_000) },
                new JobCompletion { Id = waiting.Id, LeaseToken = leased.LeaseToken!.Value, Now = At(2_000) },
                new JobCompletion { Id = leased.Id, LeaseToken = leased.LeaseToken!.Value, Now = At(2_000) },
            ],
            Ct);

        results.Should().Equal(false, false, true);
        (await GetRequiredAsync(waiting.Id)).State.Should().Be(JobState.Enqueued);
    }

    [Fact]
    public async Task FailAsync_WithoutRetry_FailsForGoodWithError()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(1_000));

        bool failed = await FailAsync(leased, At(1_200), message: "permanent");

        failed.Should().BeTrue();
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Failed);
        stored.FinishedAt.Should().Be(At(1_200));
        stored.LeaseToken.Should().BeNull();
        stored.Errors.Should().Equal(Error(1, At(1_200), "permanent"));
    }

    [Fact]
    public async Task FailAsync_RetryAtAfterNow_ScheduledAtRetryTime()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(1_000));

        bool failed = await FailAsync(leased, At(1_200), retryAt: At(5_200));

        failed.Should().BeTrue();
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Scheduled);
        stored.RunAt.Should().Be(At(5_200));
        stored.Attempt.Should().Be(1);
        stored.FinishedAt.Should().BeNull();
        stored.LeaseToken.Should().BeNull();
        stored.LeaseExpiresAt.Should().BeNull();
        stored.Errors.Should().Equal(Error(1, At(1_200)));
        (await FetchAsync(limit: 10, now: At(6_000))).Should().BeEmpty("the retry waits for promotion");
    }

    [Fact]
    public async Task FailAsync_RetryAtNotAfterNow_EnqueuedAndFetchableAtOnce()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(1_000));

        bool failed = await FailAsync(leased, At(1_200), retryAt: At(1_200));

        failed.Should().BeTrue();
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Enqueued);
        stored.RunAt.Should().Be(At(1_200));
        (await FetchOneAsync(now: At(1_300))).Attempt.Should().Be(2);
    }

    [Fact]
    public async Task FailAsync_EveryAttempt_ErrorsAccumulateOldestFirstAndAttemptsCount()
    {
        NewJob job = await EnqueueOneAsync(Job(maxAttempts: 3));

        StoredJob first = await FetchOneAsync(now: At(100));
        await FailAsync(first, At(110), retryAt: At(110), message: "one");
        StoredJob second = await FetchOneAsync(now: At(200));
        await FailAsync(second, At(210), retryAt: At(300), message: "two");
        await PromoteAsync(At(300));
        StoredJob third = await FetchOneAsync(now: At(300));
        await FailAsync(third, At(310), message: "three");

        new[] { first.Attempt, second.Attempt, third.Attempt }.Should().Equal(1, 2, 3);
        StoredJob stored = await GetRequiredAsync(job.Id);
        stored.State.Should().Be(JobState.Failed);
        stored.Attempt.Should().Be(3);
        stored.StartedAt.Should().Be(At(300));
        stored.Errors.Should().Equal(Error(1, At(110), "one"), Error(2, At(210), "two"), Error(3, At(310), "three"));
    }

    [Fact]
    public async Task FailAsync_AfterRetry_SucceedsOnLaterAttemptKeepingErrors()
    {
        NewJob job = await EnqueueOneAsync(Job());
        StoredJob first = await FetchOneAsync(now: At(100));
        await FailAsync(first, At(110), retryAt: At(110));
        StoredJob second = await FetchOneAsync(now: At(200));

        (await CompleteAsync(second, At(250))).Should().BeTrue();

        StoredJob stored = await GetRequiredAsync(job.Id);
        stored.State.Should().Be(JobState.Succeeded);
        stored.Attempt.Should().Be(2);
        stored.Errors.Should().ContainSingle().Which.Attempt.Should().Be(1);
    }

    [Fact]
    public async Task FailAsync_ManyItems_OutcomesPerItemInOrder()
    {
        await EnqueueAsync(Job(), Job());
        IReadOnlyList<StoredJob> leased = await FetchAsync(limit: 2);

        IReadOnlyList<bool> results = await Storage.FailAsync(
            [
                new JobFailure { Id = leased[0].Id, LeaseToken = leased[0].LeaseToken!.Value, Error = Error(1, At(2_000)), RetryAt = At(9_000), Now = At(2_000) },
                new JobFailure { Id = leased[1].Id, LeaseToken = Guid.NewGuid(), Error = Error(1, At(2_000)), Now = At(2_000) },
                new JobFailure { Id = leased[1].Id, LeaseToken = leased[1].LeaseToken!.Value, Error = Error(1, At(2_000)), Now = At(2_000) },
            ],
            Ct);

        results.Should().Equal(true, false, true);
        (await GetRequiredAsync(leased[0].Id)).State.Should().Be(JobState.Scheduled);
        StoredJob failed = await GetRequiredAsync(leased[1].Id);
        failed.State.Should().Be(JobState.Failed);
        failed.Errors.Should().HaveCount(1, "the refused item wrote nothing");
    }

    [Fact]
    public async Task FailAsync_WrongToken_RefusedAndNothingWritten()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync();

        bool failed = await FailAsync(leased, At(1_200), token: Guid.NewGuid());

        failed.Should().BeFalse();
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Running);
        stored.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task FailAsync_OldTokenAfterRetry_RefusedForNewAttempt()
    {
        await EnqueueOneAsync(Job());
        StoredJob first = await FetchOneAsync(now: At(100));
        await FailAsync(first, At(110), retryAt: At(110));
        StoredJob second = await FetchOneAsync(now: At(200));

        (await FailAsync(first, At(220))).Should().BeFalse();
        (await CompleteAsync(first, At(220))).Should().BeFalse();

        StoredJob stored = await GetRequiredAsync(second.Id);
        stored.State.Should().Be(JobState.Running);
        stored.LeaseToken.Should().Be(second.LeaseToken);
        stored.Errors.Should().HaveCount(1);
    }

    [Fact]
    public async Task RescheduleAsync_RunAtAfterNow_ScheduledWithAttemptRefunded()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(1_000));

        bool rescheduled = await RescheduleAsync(leased, At(9_000), At(1_100));

        rescheduled.Should().BeTrue();
        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Scheduled);
        stored.RunAt.Should().Be(At(9_000));
        stored.Attempt.Should().Be(0);
        stored.Errors.Should().BeEmpty();
        stored.LeaseToken.Should().BeNull();
        stored.FinishedAt.Should().BeNull();
    }

    [Fact]
    public async Task RescheduleAsync_RunAtNotAfterNow_EnqueuedAndSameAttemptRunsAgain()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync(now: At(1_000));

        (await RescheduleAsync(leased, At(1_100), At(1_100))).Should().BeTrue();

        (await GetRequiredAsync(leased.Id)).State.Should().Be(JobState.Enqueued);
        StoredJob again = await FetchOneAsync(now: At(1_200));
        again.Attempt.Should().Be(1, "a rescheduled attempt is not spent");
    }

    [Fact]
    public async Task RescheduleAsync_WrongToken_RefusedAndNothingWritten()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync();

        (await RescheduleAsync(leased, At(9_000), At(1_100), token: Guid.NewGuid())).Should().BeFalse();

        StoredJob stored = await GetRequiredAsync(leased.Id);
        stored.State.Should().Be(JobState.Running);
        stored.Attempt.Should().Be(1);
    }

    [Fact]
    public async Task ReportProgressAsync_CurrentLease_StoresLatestProgress()
    {
        await EnqueueOneAsync(Job());
        StoredJob leased = await FetchOneAsync();

        (await ReportProgressAsync(leased, new JobProgress(10, "1 of 10"))).Should().BeTrue();
        (await ReportProgressAsync(leased, new JobProgress(50))).Should().BeTrue();

        (await GetRequiredAsync(leased.Id)).Progress.Should().Be(new JobProgress(50));
    }

    [Fact]
    public async Task ReportProgressAsync_WrongTokenOrNotRunning_Refused()
    {
        NewJob waiting = Job(queue: "idle");
        await EnqueueAsync(Job(), waiting);
        StoredJob leased = await FetchOneAsync();

        IReadOnlyList<bool> results = await Storage.ReportProgressAsync(
            [
                new ProgressReport { Id = leased.Id, LeaseToken = Guid.NewGuid(), Progress = new JobProgress(10) },
                new ProgressReport { Id = waiting.Id, LeaseToken = leased.LeaseToken!.Value, Progress = new JobProgress(10) },
            ],
            Ct);

        results.Should().Equal(false, false);
        (await GetRequiredAsync(leased.Id)).Progress.Should().BeNull();
        (await GetRequiredAsync(waiting.Id)).Progress.Should().BeNull();
    }

    [Fact]
    public async Task StaleToken_AfterRescue_EveryWriteRefused()
    {
        await EnqueueOneAsync(Job());
        StoredJob stale = await FetchOneAsync(now: At(1_000), leaseExpiresAt: At(2_000));
        (await RescueAsync(At(2_000))).Should().Equal(stale.Id);

        await AssertEveryWriteRefusedAsync(stale, JobState.Enqueued);
    }

    [Fact]
    public async Task StaleToken_AfterCancel_EveryWriteRefused()
    {
        await EnqueueOneAsync(Job());
        StoredJob stale = await FetchOneAsync(now: At(1_000));
        (await CancelAsync(stale.Id, At(1_500))).Should().Be(CancelOutcome.CancelledWhileRunning);

        await AssertEveryWriteRefusedAsync(stale, JobState.Cancelled);
    }

    [Fact]
    public async Task StaleToken_AfterReLease_EveryWriteRefusedAndNewLeaseWorks()
    {
        await EnqueueOneAsync(Job());
        StoredJob stale = await FetchOneAsync(now: At(1_000), leaseExpiresAt: At(2_000));
        await RescueAsync(At(2_000));
        StoredJob current = await FetchOneAsync(now: At(3_000), leaseExpiresAt: At(33_000));

        await AssertEveryWriteRefusedAsync(stale, JobState.Running);

        StoredJob stored = await GetRequiredAsync(current.Id);
        stored.LeaseToken.Should().Be(current.LeaseToken);
        stored.LeaseExpiresAt.Should().Be(At(33_000));
        stored.Attempt.Should().Be(2);
        (await CompleteAsync(current, At(4_000))).Should().BeTrue();
    }

    private async Task AssertEveryWriteRefusedAsync(StoredJob stale, JobState expectedState)
    {
        StoredJob before = await GetRequiredAsync(stale.Id);

        (await ExtendAsync(stale, At(99_000))).Should().BeFalse("extend with a stale token");
        (await ReportProgressAsync(stale, new JobProgress(99))).Should().BeFalse("progress with a stale token");
        (await RescheduleAsync(stale, At(99_000), At(5_000))).Should().BeFalse("reschedule with a stale token");
        (await FailAsync(stale, At(5_000), retryAt: At(6_000))).Should().BeFalse("a retry with a stale token");
        (await FailAsync(stale, At(5_000))).Should().BeFalse("a final failure with a stale token");
        (await CompleteAsync(stale, At(5_000), [9])).Should().BeFalse("complete with a stale token");

        StoredJob after = await GetRequiredAsync(stale.Id);
        after.State.Should().Be(expectedState);
        after.Attempt.Should().Be(before.Attempt);
        after.Errors.Should().HaveCount(before.Errors.Count);
        after.Result.Should().BeNull();
        after.Progress.Should().BeNull();
        after.LeaseToken.Should().Be(before.LeaseToken);
        after.LeaseExpiresAt.Should().Be(before.LeaseExpiresAt);
        after.RunAt.Should().Be(before.RunAt);
        after.FinishedAt.Should().Be(before.FinishedAt);
    }
}

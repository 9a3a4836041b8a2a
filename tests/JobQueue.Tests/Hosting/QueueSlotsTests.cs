using JobQueue.Hosting;
using JobQueue.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace JobQueue.Tests.Hosting;

public sealed class QueueSlotsTests
{
    [Fact]
    public async Task TakeAsync_FreeSlots_CompleteAtOnceUntilNoneIsLeft()
    {
        var slots = new QueueSlots(2);

        ValueTask first = slots.TakeAsync();
        ValueTask second = slots.TakeAsync();
        ValueTask third = slots.TakeAsync();

        first.IsCompletedSuccessfully.Should().BeTrue();
        second.IsCompletedSuccessfully.Should().BeTrue();
        third.IsCompleted.Should().BeFalse();
        slots.Release();
        await Deadline.Within(third.AsTask(), "the released slot");
    }

    [Fact]
    public async Task Release_WhileLoopWaits_HandsItTheSlotAndKeepsTheRest()
    {
        var slots = new QueueSlots(3);
        slots.TakeUpTo(3).Should().Be(3);
        ValueTask waiting = slots.TakeAsync();

        slots.Release(2);

        await Deadline.Within(waiting.AsTask(), "the released slot");
        slots.TakeUpTo(10).Should().Be(1, "one of the two freed slots went to the waiting loop");
    }

    [Fact]
    public async Task Close_WhileLoopWaits_ThrowsOperationCanceledThenAndOnLaterTakes()
    {
        var slots = new QueueSlots(1);
        await slots.TakeAsync();
        ValueTask waiting = slots.TakeAsync();

        slots.Close();

        Func<Task> pending = () => Deadline.Within(waiting.AsTask(), "the closed wait");
        await pending.Should().ThrowAsync<OperationCanceledException>();
        Func<Task> later = async () => await slots.TakeAsync();
        await later.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task GatherAsync_EnoughSlotsFreedBeforeTheWindow_CompletesWithoutTakingThem()
    {
        var time = new FakeTimeProvider();
        var slots = new QueueSlots(4);
        slots.TakeUpTo(4).Should().Be(4);

        ValueTask gathering = slots.GatherAsync(3, TimeSpan.FromSeconds(10), time);
        slots.Release(2);
        gathering.IsCompleted.Should().BeFalse("two of the three slots are free");
        slots.Release();

        await Deadline.Within(gathering.AsTask(), "the gathered slots");
        slots.TakeUpTo(4).Should().Be(3, "gathering waits for slots but leaves them to TakeUpTo");
    }

    [Fact]
    public async Task GatherAsync_WindowPasses_CompletesWithWhatIsFree()
    {
        var time = new FakeTimeProvider();
        var slots = new QueueSlots(4);
        slots.TakeUpTo(4).Should().Be(4);

        ValueTask gathering = slots.GatherAsync(3, TimeSpan.FromMilliseconds(5), time);
        slots.Release();
        time.Advance(TimeSpan.FromMilliseconds(5));

        await Deadline.Within(gathering.AsTask(), "the end of the window");
        slots.TakeUpTo(4).Should().Be(1);
    }

    [Fact]
    public async Task GatherAsync_EnoughAlreadyFree_CompletesAtOnce()
    {
        var slots = new QueueSlots(4);

        ValueTask gathering = slots.GatherAsync(3, TimeSpan.FromSeconds(10), new FakeTimeProvider());

        gathering.IsCompletedSuccessfully.Should().BeTrue();
        await gathering;
    }

    [Fact]
    public async Task Close_WhileGathering_ThrowsOperationCanceled()
    {
        var slots = new QueueSlots(2);
        slots.TakeUpTo(2);
        ValueTask gathering = slots.GatherAsync(2, TimeSpan.FromSeconds(10), new FakeTimeProvider());

        slots.Close();

        Func<Task> act = () => Deadline.Within(gathering.AsTask(), "the closed gathering");
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Constructor_NoSlot_Throws()
    {
        Action act = () => _ = new QueueSlots(0);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}

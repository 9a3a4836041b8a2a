using JobQueue.Hosting;
using JobQueue.Testing;

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
    public void Constructor_NoSlot_Throws()
    {
        Action act = () => _ = new QueueSlots(0);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}

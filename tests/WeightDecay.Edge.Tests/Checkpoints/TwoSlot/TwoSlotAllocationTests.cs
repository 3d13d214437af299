using System;
using Xunit.Abstractions;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>On intact storage, the two-slot save and load allocate nothing, after one warm-up call of each.</summary>
public sealed class TwoSlotAllocationTests
{
    private const int Rounds = 32;

    private readonly ITestOutputHelper _output;

    public TwoSlotAllocationTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<TwoSlotLayout, TwoSlotOptimizer> Cases()
    {
        var cases = new TheoryData<TwoSlotLayout, TwoSlotOptimizer>();
        foreach (TwoSlotLayout layout in Enum.GetValues<TwoSlotLayout>())
        {
            foreach (TwoSlotOptimizer optimizer in Enum.GetValues<TwoSlotOptimizer>())
            {
                cases.Add(layout, optimizer);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoSlot_save_and_load_on_intact_storage_allocate_nothing(TwoSlotLayout layout, TwoSlotOptimizer optimizer)
    {
        var history = new TwoSlotHistory(layout, optimizer, StorageMedium.Flash);
        history.SaveNext();
        history.SaveNext();
        CheckpointSubject live = history.Live;
        FaultInjectingStorage storage = history.Storage;
        byte[] scratch = history.Scratch;

        // Warm-up: one save and one load (JIT, static tables), then each with the newest in the other slot.
        ulong sequence = live.Save(storage, scratch);
        int slot = live.Load(storage, scratch);
        sequence = live.Save(storage, scratch);
        slot += live.Load(storage, scratch);
        Assert.Equal(1, slot); // One load of each slot.

        int loadedSlot1 = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < Rounds; round++)
        {
            sequence = live.Save(storage, scratch);
            loadedSlot1 += live.Load(storage, scratch);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine(layout + "/" + optimizer + ": " + allocated + " bytes allocated by " + Rounds + " two-slot saves and " + Rounds + " loads of "
            + history.Length + "-byte checkpoints (" + storage.ReadCalls + " slot reads, " + storage.WriteCalls + " writes in all)");
        Assert.Equal(0, allocated);
        Assert.Equal(4UL + Rounds, sequence);
        Assert.Equal(Rounds / 2, loadedSlot1);
    }
}

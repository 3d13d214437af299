using System;
using System.Buffers.Binary;
using System.Diagnostics;
using Xunit.Abstractions;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>
/// Issue 12 item 3, the two holes the previous protocol left, as regression sweeps: (1) a transient read fault while a
/// save scans the slots made the newest slot look damaged, and the save wrote over it; now a slot that fails is read
/// once more before the save decides, so a single faulty read never costs the newest checkpoint. (2) A crafted slot
/// numbered 2^64 - 1 won every load while every later save (numbered 0 after the wrap) lost; now sequence numbers are
/// compared in wrap-around order, so the save after it wins. Also the minimum sequence number (rollback protection) in
/// the protocol. Each case runs unsealed and sealed.
/// </summary>
public sealed class TwoSlotHoleTests
{
    private readonly ITestOutputHelper _output;

    public TwoSlotHoleTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<TwoSlotLayout, TwoSlotOptimizer, int, bool> Cases()
    {
        var cases = new TheoryData<TwoSlotLayout, TwoSlotOptimizer, int, bool>();
        foreach (TwoSlotLayout layout in new[] { TwoSlotLayout.Tiny, TwoSlotLayout.Mixed })
        {
            foreach (TwoSlotOptimizer optimizer in new[] { TwoSlotOptimizer.SgdMomentum, TwoSlotOptimizer.Adam, TwoSlotOptimizer.AdamWAmsgrad })
            {
                foreach (bool authenticated in new[] { false, true })
                {
                    cases.Add(layout, optimizer, 2, authenticated);
                    cases.Add(layout, optimizer, 3, authenticated);
                }
            }
        }

        return cases;
    }

    /// <summary>
    /// Every byte of each of the save's two slot reads flipped once (0xFF, and one bit): the save writes the older slot,
    /// numbered one past the newest, the newest slot's bytes are untouched, and a reboot loads the new checkpoint.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void A_read_fault_during_a_save_never_writes_over_the_newest_checkpoint(TwoSlotLayout layout, TwoSlotOptimizer optimizer, int checkpoints, bool authenticated)
    {
        var clock = Stopwatch.StartNew();
        var history = new TwoSlotHistory(layout, optimizer, StorageMedium.Flash, authenticated);
        for (int i = 0; i < checkpoints; i++)
        {
            history.SaveNext();
        }

        KnownCheckpoint newest = history.Known[checkpoints - 1];
        int newestSlot = (checkpoints - 1) % 2;
        int olderSlot = 1 - newestSlot;
        FaultInjectingStorage storage = history.Storage;
        StorageImage good = storage.Snapshot();
        CheckpointSubject live = history.Live;
        live.Train(700, 1);
        byte[] image = live.Image();
        var scratch = new byte[history.Length];
        int faults = 0;
        for (int read = 0; read < 2; read++)
        {
            for (int position = 0; position < history.Length; position++)
            {
                foreach (byte mask in new[] { (byte)0xFF, (byte)(1 << (position % 8)) })
                {
                    string context = layout + "/" + optimizer + (authenticated ? " (sealed)" : string.Empty) + ", newest " + newest + " in slot " + newestSlot
                        + ", the save's read of slot " + read + " flips byte " + position + " with 0x" + mask.ToString("X2", null);
                    storage.Restore(good);
                    storage.FlipOnRead(storage.ReadCalls + read, position, mask);
                    faults++;
                    Assert.True(newest.Sequence + 1 == live.Save(storage, history.Scratch), context + ": wrong sequence number");
                    Assert.True(olderSlot == storage.LastWriteSlot, context + ": the save wrote over the newest checkpoint");
                    TwoSlotAssert.SameBytes(good.Slot(newestSlot), storage.Copy(newestSlot, storage.SlotBytes), context + ": the newest slot changed");
                    if (position % 16 == 0)
                    {
                        var saved = new KnownCheckpoint("the save with a read fault", newest.Sequence + 1, storage.Copy(olderSlot, history.Length), image, null);
                        TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, new ExpectedLoad(olderSlot, saved), scratch, newest.Stored, 100 + position, context, authenticated);
                    }
                }
            }
        }

        _output.WriteLine("TwoSlot faults simulated: " + faults);
        _output.WriteLine(faults + " read faults during saves; " + clock.ElapsedMilliseconds + " ms");
    }

    /// <summary>
    /// A slot crafted with sequence number 2^64 - 1 and valid CRCs (possible only without authentication): the load takes it
    /// (it is the only checkpoint), the next save goes to the other slot numbered 0, and that save, not the crafted slot,
    /// is what the next load returns; the protocol goes on (1 into the crafted slot, then 2). Against a genuine slot
    /// numbered 5, the crafted one loses at once: 2^64 - 1 is 6 behind 5 in wrap-around order.
    /// </summary>
    [Fact]
    public void A_slot_numbered_2_to_the_64_minus_1_does_not_win_forever()
    {
        const TwoSlotLayout layout = TwoSlotLayout.Tiny;
        const TwoSlotOptimizer optimizer = TwoSlotOptimizer.Adam;
        var history = new TwoSlotHistory(layout, optimizer, StorageMedium.Flash);
        history.SaveNext();
        FaultInjectingStorage storage = history.Storage;
        byte[] crafted = (byte[])history.Known[0].Stored.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(crafted.AsSpan(CheckpointReader.Offsets.Sequence), ulong.MaxValue);
        CheckpointReader.Reseal(crafted);
        storage.Poke(0, 0, crafted);
        var scratch = new byte[history.Length];
        var craftedCheckpoint = new KnownCheckpoint("crafted", ulong.MaxValue, crafted, history.Known[0].Image, null);
        CheckpointSubject device = TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, new ExpectedLoad(0, craftedCheckpoint), scratch, crafted, 1, "the crafted slot alone");

        int slot = 1;
        foreach (ulong expected in new[] { 0UL, 1UL, 2UL })
        {
            device.Train(800 + (int)expected, 1);
            byte[] image = device.Image();
            Assert.Equal(expected, device.Save(storage, scratch));
            Assert.Equal(slot, storage.LastWriteSlot);
            var saved = new KnownCheckpoint("save " + expected, expected, storage.Copy(slot, history.Length), image, null);
            device = TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, new ExpectedLoad(slot, saved), scratch, crafted, 2 + (int)expected, "the save numbered " + expected + " after the crafted slot");
            slot = 1 - slot;
        }

        // A genuine checkpoint numbered 5 against the crafted slot.
        storage.Poke(0, 0, crafted);
        byte[] genuine = (byte[])history.Known[0].Stored.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(genuine.AsSpan(CheckpointReader.Offsets.Sequence), 5);
        CheckpointReader.Reseal(genuine);
        storage.Poke(1, 0, genuine);
        TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, new ExpectedLoad(1, new KnownCheckpoint("five", 5, genuine, history.Known[0].Image, null)), scratch, crafted, 9, "crafted against 5");
    }

    /// <summary>
    /// Rollback protection in the protocol: with C1, C2, C3 sealed (C3 in slot 0, C2 in slot 1) and the minimum at 3 (the
    /// number the last save returned), C3 loads; an attacker who replays the genuine, sealed C1 over C3 gets nothing loaded
    /// (C1 and C2 are both before the minimum) and the live model untouched, where a loader without the minimum would have
    /// gone back to C2; the next save goes into slot 0, numbered 4, never 3 again.
    /// </summary>
    [Fact]
    public void A_replayed_sealed_checkpoint_is_refused_by_the_minimum_sequence()
    {
        const TwoSlotLayout layout = TwoSlotLayout.Mixed;
        const TwoSlotOptimizer optimizer = TwoSlotOptimizer.AdamWAmsgrad;
        var history = new TwoSlotHistory(layout, optimizer, StorageMedium.Flash, authenticated: true);
        history.SaveNext();
        history.SaveNext();
        history.SaveNext();
        FaultInjectingStorage storage = history.Storage;
        var scratch = new byte[history.Length];

        CheckpointSubject device = TwoSlotSubjects.Create(layout, optimizer, 30, authenticated: true);
        device.MinimumSequence = 3;
        Assert.Equal(0, device.Load(storage, scratch));
        TwoSlotAssert.SameBytes(history.Known[2].Image, device.Image(), "C3 did not load");

        storage.Poke(0, 0, history.Known[0].Stored);
        CheckpointSubject unguarded = TwoSlotSubjects.Create(layout, optimizer, 31, authenticated: true);
        Assert.Equal(1, unguarded.Load(storage, scratch));
        TwoSlotAssert.SameBytes(history.Known[1].Image, unguarded.Image(), "without a minimum the replay takes the device back to C2");

        device.Train(32, 1);
        SubjectState before = device.Capture();
        var error = Assert.Throws<CheckpointNotFoundException>(() => device.Load(storage, scratch));
        Assert.Contains("Slot 0: The checkpoint is rolled back: its sequence number 1 is before the required minimum 3.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Slot 1: The checkpoint is rolled back: its sequence number 2 is before the required minimum 3.", error.Message, StringComparison.Ordinal);
        device.AssertUnchanged(before, "a refused replay");

        Assert.Equal(4UL, device.Save(storage, scratch));
        Assert.Equal(0, storage.LastWriteSlot);
    }
}

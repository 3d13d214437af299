using System;
using System.Collections.Generic;
using System.Diagnostics;
using Xunit.Abstractions;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>
/// Bit rot in a finished slot. With two complete checkpoints (the older in one slot, the newest in the other):
/// a flipped byte anywhere in the newest makes the loader return the older one, never the corrupted one, and
/// never throw, and the next save then goes over the corrupted slot; a flipped byte anywhere in the older one
/// changes nothing; flipped bytes in both make it throw <see cref="CheckpointNotFoundException"/> and leave the
/// live model exactly as it was. Each byte is flipped with the masks 0x01, 0x80, 0xFF and a random non-zero one.
/// Every case runs on unsealed checkpoints and on checkpoints sealed with HMAC-SHA256 (the tag's bytes included).
/// </summary>
public sealed class TwoSlotCorruptionTests
{
    private static readonly byte[] FixedMasks = { 0x01, 0x80, 0xFF };

    private readonly ITestOutputHelper _output;

    public TwoSlotCorruptionTests(ITestOutputHelper output) => _output = output;

    /// <summary>layout, optimizer, checkpoints written (2: the newest in slot 1; 3: the newest in slot 0), stride over the bytes.</summary>
    public static TheoryData<TwoSlotLayout, TwoSlotOptimizer, int, int, bool> Cases()
    {
        var cases = new TheoryData<TwoSlotLayout, TwoSlotOptimizer, int, int, bool>();
        foreach (TwoSlotOptimizer optimizer in new[] { TwoSlotOptimizer.SgdMomentum, TwoSlotOptimizer.Adam, TwoSlotOptimizer.AdamWAmsgrad })
        {
            foreach (TwoSlotLayout layout in new[] { TwoSlotLayout.Tiny, TwoSlotLayout.Mixed })
            {
                // Sealed (HMAC-SHA256) and unsealed, the newest in each slot.
                cases.Add(layout, optimizer, 2, 1, false);
                cases.Add(layout, optimizer, 3, 1, false);
                cases.Add(layout, optimizer, 2, 1, true);
                cases.Add(layout, optimizer, 3, 1, true);
            }
        }

        // The digits MLP with AdamW and AMSGrad, 38,648 bytes: every byte of the header and of the last 8, and every 997th.
        cases.Add(TwoSlotLayout.Digits, TwoSlotOptimizer.AdamWAmsgrad, 3, 997, false);
        cases.Add(TwoSlotLayout.Digits, TwoSlotOptimizer.AdamWAmsgrad, 2, 997, true);

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoSlot_corrupting_any_byte_of_the_newest_slot_loads_the_older_checkpoint(TwoSlotLayout layout, TwoSlotOptimizer optimizer, int checkpoints, int stride, bool authenticated)
    {
        var clock = Stopwatch.StartNew();
        var history = Write(layout, optimizer, checkpoints, authenticated, out KnownCheckpoint newest, out int newestSlot, out KnownCheckpoint older, out int olderSlot);
        FaultInjectingStorage storage = history.Storage;
        StorageImage good = storage.Snapshot();
        var scratch = new byte[history.Length];
        var random = new Random(17);
        int faults = 0;
        foreach (int position in Offsets(history.Length, stride))
        {
            bool first = true;
            foreach (byte mask in Masks(random))
            {
                string context = layout + "/" + optimizer + (authenticated ? " (sealed)" : string.Empty) + ", newest " + newest + " in slot " + newestSlot + ", byte " + position + " ^= 0x" + mask.ToString("X2", null);
                storage.Restore(good);
                storage.Xor(newestSlot, position, mask);
                faults++;
                var expected = new ExpectedLoad(olderSlot, older);
                Assert.Equal(expected, TwoSlotOracle.Expected(storage, history.Known));
                CheckpointSubject rebooted = TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, expected, scratch, newest.Stored, 1000 + position, context, authenticated);
                if (first)
                {
                    // The next save goes over the corrupted slot, never over the older checkpoint it fell back to.
                    first = false;
                    rebooted.Train(500, 1);
                    byte[] image = rebooted.Image();
                    byte[] olderBytes = storage.Copy(olderSlot, storage.SlotBytes);
                    Assert.Equal(older.Sequence + 1, rebooted.Save(storage, scratch));
                    Assert.Equal(newestSlot, storage.LastWriteSlot);
                    TwoSlotAssert.SameBytes(olderBytes, storage.Copy(olderSlot, storage.SlotBytes), context + ": the next save wrote over the older checkpoint");
                    var next = new KnownCheckpoint("the save after the corruption", older.Sequence + 1, storage.Copy(newestSlot, history.Length), image, null);
                    TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, new ExpectedLoad(newestSlot, next), scratch, newest.Stored, 2000 + position, context + ", then saved again", authenticated);
                }
            }
        }

        // Bytes of the slot past the checkpoint are not part of it.
        for (int position = history.Length; position < storage.SlotBytes; position++)
        {
            storage.Restore(good);
            storage.Xor(newestSlot, position, 0xFF);
            faults++;
            TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, new ExpectedLoad(newestSlot, newest), scratch, older.Stored, 3000 + position, "padding byte " + position, authenticated);
        }

        _output.WriteLine("TwoSlot faults simulated: " + faults);
        _output.WriteLine(faults + " corruptions of a " + history.Length + "-byte checkpoint in a " + storage.SlotBytes + "-byte slot; " + clock.ElapsedMilliseconds + " ms");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoSlot_corrupting_any_byte_of_the_older_slot_still_loads_the_newest_checkpoint(TwoSlotLayout layout, TwoSlotOptimizer optimizer, int checkpoints, int stride, bool authenticated)
    {
        var clock = Stopwatch.StartNew();
        var history = Write(layout, optimizer, checkpoints, authenticated, out KnownCheckpoint newest, out int newestSlot, out KnownCheckpoint older, out int olderSlot);
        FaultInjectingStorage storage = history.Storage;
        StorageImage good = storage.Snapshot();
        var scratch = new byte[history.Length];
        var random = new Random(19);
        int faults = 0;
        foreach (int position in Offsets(history.Length, stride))
        {
            foreach (byte mask in Masks(random))
            {
                storage.Restore(good);
                storage.Xor(olderSlot, position, mask);
                faults++;
                string context = layout + "/" + optimizer + ", older " + older + " in slot " + olderSlot + ", byte " + position + " ^= 0x" + mask.ToString("X2", null);
                TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, new ExpectedLoad(newestSlot, newest), scratch, older.Stored, 1000 + position, context, authenticated);
            }
        }

        _output.WriteLine("TwoSlot faults simulated: " + faults);
        _output.WriteLine(faults + " corruptions of a " + history.Length + "-byte checkpoint; " + clock.ElapsedMilliseconds + " ms");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoSlot_corrupting_both_slots_loads_nothing_and_leaves_the_live_model_untouched(TwoSlotLayout layout, TwoSlotOptimizer optimizer, int checkpoints, int stride, bool authenticated)
    {
        var clock = Stopwatch.StartNew();
        var history = Write(layout, optimizer, checkpoints, authenticated, out _, out int newestSlot, out _, out int olderSlot);
        FaultInjectingStorage storage = history.Storage;
        StorageImage good = storage.Snapshot();
        var scratch = new byte[history.Length];

        // The live model has moved on from its last checkpoint; a failed load must not take it back, even partly.
        CheckpointSubject live = history.Live;
        live.Train(600, 2);
        SubjectState before = live.Capture();
        var random = new Random(23);
        int faults = 0;
        foreach (int position in Offsets(history.Length, stride))
        {
            int otherPosition = (int)((position * 7919L + 13) % history.Length);
            byte mask = (byte)random.Next(1, 256);
            storage.Restore(good);
            storage.Xor(newestSlot, position, mask);
            storage.Xor(olderSlot, otherPosition, FixedMasks[position % FixedMasks.Length]);
            faults++;
            string context = layout + "/" + optimizer + ", slot " + newestSlot + " byte " + position + " and slot " + olderSlot + " byte " + otherPosition + " flipped";
            Assert.Null(TwoSlotOracle.Expected(storage, history.Known));
            CheckpointNotFoundException error = Assert.Throws<CheckpointNotFoundException>(() => live.Load(storage, scratch));
            Assert.Equal(CheckpointError.NoValidCheckpoint, error.Error);
            live.AssertUnchanged(before, context);
        }

        // And it trains on exactly as a twin that never tried to load.
        CheckpointSubject twin = TwoSlotHistory.Replay(layout, optimizer, checkpoints, authenticated);
        twin.Train(600, 2);
        TwoSlotAssert.SameBytes(TwoSlotHistory.Continue(twin), TwoSlotHistory.Continue(live), "After " + faults + " failed loads, the live model trains differently");
        _output.WriteLine("TwoSlot faults simulated: " + faults);
        _output.WriteLine(faults + " double corruptions, each refused with the live model untouched; " + clock.ElapsedMilliseconds + " ms");
    }

    private static TwoSlotHistory Write(TwoSlotLayout layout, TwoSlotOptimizer optimizer, int checkpoints, bool authenticated, out KnownCheckpoint newest, out int newestSlot, out KnownCheckpoint older, out int olderSlot)
    {
        var history = new TwoSlotHistory(layout, optimizer, StorageMedium.Overwrite, authenticated);
        for (int i = 0; i < checkpoints; i++)
        {
            history.SaveNext();
        }

        newest = history.Known[checkpoints - 1];
        older = history.Known[checkpoints - 2];
        newestSlot = (checkpoints - 1) % 2;
        olderSlot = 1 - newestSlot;
        Assert.Equal(new ExpectedLoad(newestSlot, newest), TwoSlotOracle.Expected(history.Storage, history.Known));
        return history;
    }

    private static IEnumerable<byte> Masks(Random random)
    {
        foreach (byte mask in FixedMasks)
        {
            yield return mask;
        }

        yield return (byte)random.Next(1, 256);
    }

    /// <summary>Every byte (stride 1), or every stride-th plus every byte of the header and of the last 8 (the trailing CRC and what precedes it).</summary>
    private static IEnumerable<int> Offsets(int length, int stride)
    {
        for (int position = 0; position < length; position++)
        {
            if (stride == 1 || position % stride == 0 || position < WeightDecay.Edge.Generated.CheckpointFormat.HeaderBytes || position >= length - 8)
            {
                yield return position;
            }
        }
    }
}

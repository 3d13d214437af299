using System;
using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>What one sweep simulated, for the test output.</summary>
internal sealed class SweepReport
{
    public int Faults { get; set; }

    public int Reboots { get; set; }

    public int NotFound { get; set; }

    public int LoadedSurvivor { get; set; }

    public int LoadedNew { get; set; }

    /// <summary>Cuts before the write's last byte that still left the new checkpoint complete (its remaining bytes already matched).</summary>
    public int CompleteByCoincidence { get; set; }

    public int CutOffsets { get; set; }

    public long TotalOperations { get; set; }

    public override string ToString() =>
        Faults + " power cuts (" + CutOffsets + " cut offsets over a write of " + TotalOperations + " byte operations, each followed by a second cut), "
        + Reboots + " reboots: " + LoadedSurvivor + " loaded the previous checkpoint, " + LoadedNew + " the new one ("
        + CompleteByCoincidence + " complete by coincidence), " + NotFound + " found none";
}

/// <summary>
/// The power-cut sweep: the live run writes <c>completeBefore</c> checkpoints, then starts writing the next and
/// loses power after k byte operations, for every k the offsets give. After each cut: the other slot is
/// untouched; a rebooted subject loads exactly the newest complete checkpoint (or throws
/// <see cref="CheckpointNotFoundException"/> and changes nothing) and continues training exactly as the run it
/// came from; the next save goes to the other slot than the survivor, with the next sequence number, and is
/// loadable; and a second cut during that save still leaves the survivor loadable.
/// </summary>
internal static class TwoSlotPowerCutSweep
{
    public static SweepReport Run(
        TwoSlotLayout layout,
        TwoSlotOptimizer optimizer,
        StorageMedium medium,
        int completeBefore,
        Func<FaultInjectingStorage, int, IEnumerable<long>> offsets,
        Action<string> log,
        bool authenticated = false)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var history = new TwoSlotHistory(layout, optimizer, medium, authenticated);
        for (int i = 0; i < completeBefore; i++)
        {
            history.SaveNext();
        }

        FaultInjectingStorage storage = history.Storage;
        int length = history.Length;
        KnownCheckpoint? survivor = completeBefore == 0 ? null : history.Known[completeBefore - 1];
        int target = completeBefore % 2;
        StorageImage before = storage.Snapshot();

        // The write under test, once without a fault: the bytes a complete C(n+1) leaves in its slot.
        KnownCheckpoint pending = history.SaveNext();
        Assert.Equal(target, storage.LastWriteSlot);
        CheckpointSubject live = history.Live;

        long total = storage.OperationsOfWrite(length);
        var report = new SweepReport { TotalOperations = total };
        var scratch = new byte[length];
        var failures = new List<string>();
        foreach (long k in offsets(storage, length))
        {
            Assert.InRange(k, 0, total);
            report.CutOffsets++;
            try
            {
                CutAt(k);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                // Go on: the whole list of offsets that fail says more about a bug than the first one.
                failures.Add(e.Message);
            }
        }

        log("TwoSlot faults simulated: " + report.Faults);
        log(report + "; " + clock.ElapsedMilliseconds + " ms");
        if (failures.Count != 0)
        {
            Assert.Fail(failures.Count + " of " + report.CutOffsets + " cut offsets failed (" + report + "):\n" + string.Join("\n", failures.Take(20)));
        }

        Assert.Equal(report.Faults, storage.PowerCuts);
        return report;

        void CutAt(long k)
        {
            string context = layout + "/" + optimizer + "/" + medium + (authenticated ? " (sealed)" : string.Empty) + ", " + pending.Name + " into slot " + target + " cut after " + k + " of " + total + " byte operations";

            // The cut.
            storage.Restore(before);
            storage.CutAfter(k);
            Assert.Throws<PowerCutException>(() => live.Save(storage, history.Scratch));
            report.Faults++;
            Assert.Equal(target, storage.LastWriteSlot);
            TwoSlotAssert.SameBytes(before.Slot(1 - target), storage.Copy(1 - target, storage.SlotBytes), context + ": the other slot changed");
            if (k == total)
            {
                Assert.True(storage.SlotStartsWith(target, pending.Stored), context + ": the write did not complete");
            }

            ExpectedLoad? expected = TwoSlotOracle.Expected(storage, history.Known);
            if (expected?.Checkpoint == pending)
            {
                report.LoadedNew++;
                if (k < total)
                {
                    report.CompleteByCoincidence++;
                }
            }
            else
            {
                // The point of the protocol: anything short of the whole write leaves the previous checkpoint.
                Assert.True(expected?.Checkpoint == survivor, context + ": the newest complete checkpoint is " + (expected?.Checkpoint.ToString() ?? "none") + ", not " + (survivor?.ToString() ?? "none"));
                if (survivor is null)
                {
                    report.NotFound++;
                }
                else
                {
                    report.LoadedSurvivor++;
                }
            }

            // The reboot: exactly that checkpoint, and it trains on exactly as the run that wrote it did.
            CheckpointSubject rebooted = TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, expected, scratch, pending.Stored, 1000 + (int)k, context, authenticated);
            report.Reboots++;
            byte[] continued = TwoSlotHistory.Continue(rebooted);
            if (expected is not null)
            {
                TwoSlotAssert.SameBytes(expected.Checkpoint.Continuation!, continued, context + ": training on from the loaded " + expected.Checkpoint + " diverged from the original run");
            }

            // The protocol goes on: the next save goes to the other slot than the survivor, numbered one past it.
            StorageImage afterCut = storage.Snapshot();
            int nextSlot = expected is null ? 0 : 1 - expected.Slot;
            ulong nextSequence = expected is null ? 1UL : expected.Checkpoint.Sequence + 1;
            Assert.Equal(nextSequence, rebooted.Save(storage, scratch));
            Assert.Equal(nextSlot, storage.LastWriteSlot);
            TwoSlotAssert.SameBytes(afterCut.Slot(1 - nextSlot), storage.Copy(1 - nextSlot, storage.SlotBytes), context + ": the next save wrote over the surviving checkpoint");
            var next = new KnownCheckpoint("the save after the cut", nextSequence, storage.Copy(nextSlot, length), continued, continuation: null);
            TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, new ExpectedLoad(nextSlot, next), scratch, pending.Stored, 2000 + (int)k, context + ", then saved again", authenticated);
            report.Reboots++;

            // A second cut, during that next save, still leaves the survivor.
            long k2 = (k * 7919 + 13) % (total + 1);
            string context2 = context + ", then the next save cut after " + k2;
            storage.Restore(afterCut);
            storage.CutAfter(k2);
            Assert.Throws<PowerCutException>(() => rebooted.Save(storage, scratch));
            report.Faults++;
            Assert.Equal(nextSlot, storage.LastWriteSlot);
            TwoSlotAssert.SameBytes(afterCut.Slot(1 - nextSlot), storage.Copy(1 - nextSlot, storage.SlotBytes), context2 + ": the surviving slot changed");
            ExpectedLoad? expected2 = TwoSlotOracle.Expected(storage, history.Known.Append(next).ToList());
            if (expected2?.Checkpoint != next)
            {
                Assert.True(expected2?.Checkpoint == expected?.Checkpoint, context2 + ": the newest complete checkpoint is " + (expected2?.Checkpoint.ToString() ?? "none"));
            }
            else if (k2 < total)
            {
                report.CompleteByCoincidence++;
            }

            TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, expected2, scratch, next.Stored, 3000 + (int)k, context2, authenticated);
            report.Reboots++;
        }
    }

    /// <summary>Every k from 0 (nothing written) to the whole write (erase included).</summary>
    public static IEnumerable<long> EveryOperation(FaultInjectingStorage storage, int length)
    {
        long total = storage.OperationsOfWrite(length);
        for (long k = 0; k <= total; k++)
        {
            yield return k;
        }
    }

    /// <summary>
    /// For large checkpoints: every k within the first 8 and last 8 operations of the erase (if any), within the
    /// first 96 bytes programmed (the 40-byte header and what follows) and the last 64 (the trailing CRC), and
    /// every <paramref name="stride"/>-th k in between.
    /// </summary>
    public static Func<FaultInjectingStorage, int, IEnumerable<long>> Sampled(int stride) => (storage, length) =>
    {
        long total = storage.OperationsOfWrite(length);
        long erase = total - length;
        var set = new SortedSet<long>();
        for (long k = 0; k <= total; k += stride)
        {
            set.Add(k);
        }

        for (long k = 0; k <= 8 && k <= erase; k++)
        {
            set.Add(k);
            set.Add(erase - k);
        }

        for (long k = erase; k <= erase + 96 && k <= total; k++)
        {
            set.Add(k);
        }

        for (long k = Math.Max(0, total - 64); k <= total; k++)
        {
            set.Add(k);
        }

        return set;
    };
}

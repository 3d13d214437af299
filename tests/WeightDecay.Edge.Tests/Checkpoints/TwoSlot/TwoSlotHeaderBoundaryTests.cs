using System;
using WeightDecay.Edge.Generated;
using Xunit.Abstractions;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>
/// A regression test for the bug the power-cut sweep found while the format was being written (fixed by leaving the
/// header's CRC out of the trailing CRC; docs/checkpoints.md, "Trailing CRC and CRC-32"). The input, on its own: an overwrite-in-place medium (EEPROM, FRAM, a file)
/// that loses power after exactly the 40-byte header of a new checkpoint has been written over an older one.
/// 40 bytes is a whole number of 8-byte EEPROM pages, so the cut is a plausible one, not a contrived one.
/// The slot then holds the new header (sequence n + 1, its own valid CRC) followed by the older checkpoint's
/// payload and trailing CRC. When the trailing CRC-32 covered the header including the header's CRC-32, it depended
/// on the payload only (a CRC-32 run over any bytes followed by their own CRC-32 ends in the same register state,
/// the CRC residue): the torn slot passed every check and, numbered n + 1, won over the intact checkpoint n in the
/// other slot; the loader returned checkpoint n - 1's state and the next save wrote over checkpoint n.
/// </summary>
public sealed class TwoSlotHeaderBoundaryTests
{
    private readonly ITestOutputHelper _output;

    public TwoSlotHeaderBoundaryTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(TwoSlotOptimizer.SgdMomentum)]
    [InlineData(TwoSlotOptimizer.AdamWAmsgrad)]
    public void TwoSlot_a_cut_right_after_the_header_over_an_older_checkpoint_leaves_the_previous_checkpoint(TwoSlotOptimizer optimizer)
    {
        var history = new TwoSlotHistory(TwoSlotLayout.Tiny, optimizer, StorageMedium.Overwrite);
        KnownCheckpoint c1 = history.SaveNext(); // slot 0
        KnownCheckpoint c2 = history.SaveNext(); // slot 1
        FaultInjectingStorage storage = history.Storage;

        // C3 goes to slot 0, over C1; the power fails once its header is written.
        history.Live.Train(TwoSlotHistory.SegmentSeed(3), TwoSlotHistory.StepsBetween);
        storage.CutAfter(CheckpointFormat.HeaderBytes);
        Assert.Throws<PowerCutException>(() => history.Live.Save(storage, history.Scratch));
        Assert.Equal(0, storage.LastWriteSlot);

        CheckpointSubject rebooted = TwoSlotSubjects.Create(TwoSlotLayout.Tiny, optimizer, seed: 77);
        int slot = rebooted.Load(storage, new byte[history.Length]);
        byte[] loaded = rebooted.Image();
        string what = loaded.AsSpan().SequenceEqual(c1.Image) ? "exactly C1's state (two checkpoints old), numbered 3"
            : loaded.AsSpan().SequenceEqual(c2.Image) ? "C2's state" : "a state that is no checkpoint's";
        _output.WriteLine("TwoSlot faults simulated: 1 (C3 cut after " + CheckpointFormat.HeaderBytes + " bytes): loaded slot " + slot + ", " + what);
        Assert.True(slot == 1 && loaded.AsSpan().SequenceEqual(c2.Image), "After a cut right after C3's header, the loader returned slot " + slot + " holding " + what + "; expected C2 from slot 1.");
    }

    /// <summary>The root cause, without the two-slot protocol: the trailing CRC does not bind the header to the payload.</summary>
    [Fact]
    public void TwoSlot_a_newer_header_on_an_older_payload_is_refused()
    {
        var history = new TwoSlotHistory(TwoSlotLayout.Tiny, TwoSlotOptimizer.AdamWAmsgrad, StorageMedium.Overwrite);
        KnownCheckpoint c1 = history.SaveNext();
        history.SaveNext();
        KnownCheckpoint c3 = history.SaveNext();

        byte[] spliced = (byte[])c1.Stored.Clone();
        Buffer.BlockCopy(c3.Stored, 0, spliced, 0, CheckpointFormat.HeaderBytes);
        int trailer = spliced.Length - CheckpointFormat.TrailerBytes;
        bool sameCrc = CheckpointFormat.Crc32(spliced, 0, trailer) == CheckpointFormat.Crc32(c1.Stored, 0, trailer);

        CheckpointSubject subject = TwoSlotSubjects.Create(TwoSlotLayout.Tiny, TwoSlotOptimizer.AdamWAmsgrad, seed: 5);
        SubjectState before = subject.Capture();
        Exception? error = Record.Exception(() => subject.LoadFromArray(spliced));
        _output.WriteLine("TwoSlot faults simulated: 1 (C3's header on C1): " + (error is null ? "accepted" : error.GetType().Name) + ", same CRC: " + sameCrc);
        Assert.True(
            error is CheckpointCorruptException,
            "C3's header (sequence " + c3.Sequence + ") on C1's payload and trailer was " + (error is null ? "accepted" : "refused with " + error.GetType().Name)
            + "; the CRC-32 of header + payload is " + (sameCrc ? "the same" : "not the same") + " with either header. Expected CheckpointCorruptException.");
        subject.AssertUnchanged(before, "A refused splice");
    }
}

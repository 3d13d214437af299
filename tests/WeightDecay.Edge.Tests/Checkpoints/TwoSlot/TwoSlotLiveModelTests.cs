using System;
using System.Collections.Generic;
using WeightDecay.Edge.Generated;
using Xunit.Abstractions;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>Storage in which neither slot holds a checkpoint the live optimizer can load.</summary>
public enum UnloadableStorage
{
    /// <summary>Never written: zeros.</summary>
    Blank,

    /// <summary>Never written flash: 0xFF.</summary>
    Erased,

    /// <summary>Random bytes in both slots.</summary>
    Garbage,

    /// <summary>The first write ever, cut halfway.</summary>
    TornFirstWrite,

    /// <summary>Intact checkpoints of the same optimizer configured with the other optional state (momentum, AMSGrad).</summary>
    OtherState,

    /// <summary>Intact checkpoints of another optimizer on the same layout.</summary>
    OtherOptimizer,

    /// <summary>Intact checkpoints of the same optimizer on another layout.</summary>
    OtherLayout,

    /// <summary>Checkpoints with valid CRCs holding a NaN (a parameter in one slot, the last parameter in the other).</summary>
    NonFinite,
}

/// <summary>
/// Issue 6 item 3, the other half of "validate, then commit": when a two-slot load throws, the live model and
/// optimizer are byte-identical to before (parameters, gradients, step count, every saved value) and train on
/// exactly as a twin that never tried; the protocol then starts over in slot 0 with sequence number 1.
/// </summary>
public sealed class TwoSlotLiveModelTests
{
    private readonly ITestOutputHelper _output;

    public TwoSlotLiveModelTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<TwoSlotLayout, TwoSlotOptimizer, UnloadableStorage> Cases()
    {
        var cases = new TheoryData<TwoSlotLayout, TwoSlotOptimizer, UnloadableStorage>();
        foreach (TwoSlotLayout layout in new[] { TwoSlotLayout.Tiny, TwoSlotLayout.Mixed })
        {
            foreach (TwoSlotOptimizer optimizer in new[] { TwoSlotOptimizer.SgdMomentum, TwoSlotOptimizer.Adam, TwoSlotOptimizer.AdamWAmsgrad })
            {
                foreach (UnloadableStorage storage in Enum.GetValues<UnloadableStorage>())
                {
                    cases.Add(layout, optimizer, storage);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TwoSlot_a_load_that_throws_leaves_the_live_model_byte_identical(TwoSlotLayout layout, TwoSlotOptimizer optimizer, UnloadableStorage kind)
    {
        CheckpointSubject live = TwoSlotHistory.Replay(layout, optimizer, 2);
        CheckpointSubject twin = TwoSlotHistory.Replay(layout, optimizer, 2);
        int length = live.CheckpointBytes;
        FaultInjectingStorage storage = Build(layout, optimizer, kind, length);
        var scratch = new byte[length];
        SubjectState before = live.Capture();

        CheckpointNotFoundException error = Assert.Throws<CheckpointNotFoundException>(() => live.Load(storage, scratch));
        Assert.Equal(CheckpointError.NoValidCheckpoint, error.Error);
        live.AssertUnchanged(before, layout + "/" + optimizer + " loading from " + kind + " storage");
        _output.WriteLine("TwoSlot faults simulated: 1 (" + kind + "): " + error.Message);

        TwoSlotAssert.SameBytes(TwoSlotHistory.Continue(twin), TwoSlotHistory.Continue(live), "After the failed load the live model trains differently");

        // Nothing in the storage is this optimizer's, so the protocol starts over.
        Assert.Equal(1UL, live.Save(storage, scratch));
        Assert.Equal(0, storage.LastWriteSlot);
        var first = new KnownCheckpoint("the first save", 1, storage.Copy(0, length), live.Image(), null);
        TwoSlotReboot.LoadAndCheck(layout, optimizer, storage, new ExpectedLoad(0, first), scratch, scratch, 42, kind + ", then saved");
    }

    /// <summary>
    /// Not a power cut and not bit rot: one read returns one flipped byte and the stored bytes are intact (a marginal
    /// cell, a bus glitch). The loader must load a complete checkpoint exactly: one bad read can spoil one slot's
    /// read, and the loader falls back to the other slot if the one it chose reads differently the second time.
    /// (Before that fallback it threw CheckpointCorruptException in 124-168 cases per optimizer.) The counts of
    /// each outcome are printed.
    /// </summary>
    [Theory]
    [InlineData(TwoSlotOptimizer.SgdMomentum)]
    [InlineData(TwoSlotOptimizer.Adam)]
    [InlineData(TwoSlotOptimizer.AdamWAmsgrad)]
    public void TwoSlot_a_transient_read_fault_never_damages_the_live_model(TwoSlotOptimizer optimizer)
    {
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int faults = 0;
        foreach (int checkpoints in new[] { 2, 3 })
        {
            var history = new TwoSlotHistory(TwoSlotLayout.Tiny, optimizer, StorageMedium.Overwrite);
            for (int i = 0; i < checkpoints; i++)
            {
                history.SaveNext();
            }

            FaultInjectingStorage storage = history.Storage;
            var scratch = new byte[history.Length];
            int newestSlot = (checkpoints - 1) % 2;
            for (int read = 0; read < 3; read++)
            {
                for (int position = 0; position < history.Length; position++)
                {
                    CheckpointSubject live = TwoSlotSubjects.Create(TwoSlotLayout.Tiny, optimizer, seed: 9);
                    live.Train(9, 1);
                    SubjectState before = live.Capture();
                    storage.FlipOnRead(storage.ReadCalls + read, position, 0x01);
                    faults++;
                    string context = "newest in slot " + newestSlot + ", read " + read + " flips byte " + position;
                    string outcome;
                    try
                    {
                        int slot = live.Load(storage, scratch);
                        KnownCheckpoint loaded = history.Known[checkpoints - (slot == newestSlot ? 1 : 2)];
                        TwoSlotAssert.SameBytes(loaded.Image, live.Image(), context + ": loaded slot " + slot + " but not exactly " + loaded);
                        outcome = slot == newestSlot ? "loaded the newest" : "loaded the older";
                    }
                    catch (CheckpointException e)
                    {
                        live.AssertUnchanged(before, context);
                        outcome = "threw " + e.GetType().Name + " (newest in slot " + newestSlot + ", fault on read " + read + ")";
                    }

                    outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                }
            }
        }

        _output.WriteLine("TwoSlot faults simulated: " + faults);
        foreach (KeyValuePair<string, int> outcome in outcomes)
        {
            _output.WriteLine(outcome.Value + " " + outcome.Key);
        }

        Assert.All(outcomes.Keys, outcome => Assert.StartsWith("loaded", outcome, StringComparison.Ordinal));
    }

    private static FaultInjectingStorage Build(TwoSlotLayout layout, TwoSlotOptimizer optimizer, UnloadableStorage kind, int length)
    {
        const int Room = 4096; // Larger than any Tiny or Mixed checkpoint, so another layout's fits too.
        switch (kind)
        {
            case UnloadableStorage.Blank:
                return new FaultInjectingStorage(length, StorageMedium.Overwrite);
            case UnloadableStorage.Erased:
                return new FaultInjectingStorage(length, StorageMedium.Flash);
            case UnloadableStorage.Garbage:
            {
                var storage = new FaultInjectingStorage(length, StorageMedium.Overwrite);
                var random = new Random(31);
                var bytes = new byte[length];
                for (int slot = 0; slot < 2; slot++)
                {
                    random.NextBytes(bytes);
                    storage.Poke(slot, 0, bytes);
                }

                return storage;
            }

            case UnloadableStorage.TornFirstWrite:
            {
                CheckpointSubject writer = TwoSlotHistory.Replay(layout, optimizer, 1);
                var storage = new FaultInjectingStorage(length, StorageMedium.Overwrite);
                storage.CutAfter(length / 2);
                Assert.Throws<PowerCutException>(() => writer.Save(storage, new byte[length]));
                return storage;
            }

            case UnloadableStorage.OtherState:
                return WrittenBy(TwoSlotSubjects.Create(layout, optimizer, 3, otherState: true), Room);
            case UnloadableStorage.OtherOptimizer:
                TwoSlotOptimizer other = optimizer == TwoSlotOptimizer.SgdMomentum ? TwoSlotOptimizer.Adam
                    : optimizer == TwoSlotOptimizer.Adam ? TwoSlotOptimizer.AdamWAmsgrad : TwoSlotOptimizer.SgdMomentum;
                return WrittenBy(TwoSlotSubjects.Create(layout, other, 3), Room);
            case UnloadableStorage.OtherLayout:
                TwoSlotLayout otherLayout = layout == TwoSlotLayout.Tiny ? TwoSlotLayout.Mixed : TwoSlotLayout.Tiny;
                return WrittenBy(TwoSlotSubjects.Create(otherLayout, optimizer, 3), Room);
            case UnloadableStorage.NonFinite:
                return NonFinite(layout, optimizer, length);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>Two complete checkpoints of <paramref name="writer"/>, one in each slot.</summary>
    private static FaultInjectingStorage WrittenBy(CheckpointSubject writer, int slotBytes)
    {
        var storage = new FaultInjectingStorage(slotBytes, StorageMedium.Overwrite);
        var scratch = new byte[writer.CheckpointBytes];
        writer.Train(4, 2);
        Assert.Equal(1UL, writer.Save(storage, scratch));
        writer.Train(5, 2);
        Assert.Equal(2UL, writer.Save(storage, scratch));
        return storage;
    }

    /// <summary>The live run's own C1 and C2, each with a parameter replaced by NaN and the trailing CRC made valid again.</summary>
    private static FaultInjectingStorage NonFinite(TwoSlotLayout layout, TwoSlotOptimizer optimizer, int length)
    {
        var history = new TwoSlotHistory(layout, optimizer, StorageMedium.Overwrite);
        history.SaveNext();
        history.SaveNext();
        for (int checkpoint = 1; checkpoint <= 2; checkpoint++)
        {
            float[] parameters = TwoSlotHistory.Replay(layout, optimizer, checkpoint).Parameters;
            float value = checkpoint == 1 ? parameters[0] : parameters[^1];
            byte[] bytes = (byte[])history.Known[checkpoint - 1].Stored.Clone();
            int at = bytes.AsSpan(CheckpointFormat.HeaderBytes).IndexOf(BitConverter.GetBytes(value)) + CheckpointFormat.HeaderBytes;
            Assert.True(at >= CheckpointFormat.HeaderBytes, "The parameter's bytes are not in the checkpoint.");
            CheckpointFormat.WriteSingle(bytes, at, float.NaN);
            CheckpointFormat.Seal(bytes, 0, length, null);

            // Intact as far as the CRCs go: refused for the value.
            CheckpointSubject probe = TwoSlotSubjects.Create(layout, optimizer, 8);
            Assert.Throws<CheckpointValueException>(() => probe.LoadFromArray(bytes));
            history.Storage.Poke(checkpoint - 1, 0, bytes);
        }

        return history.Storage;
    }
}

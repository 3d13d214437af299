using System.Collections.Generic;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>
/// A deterministic training run that checkpoints with the two-slot protocol: a live subject starts from
/// <see cref="InitialSeed"/>, takes <see cref="StepsBeforeFirst"/> steps, and before checkpoint Ci takes
/// <see cref="StepsBetween"/> more on gradients from <see cref="SegmentSeed"/>(i). So the state checkpoint Ci
/// holds can be rebuilt from scratch (<see cref="Replay"/>), independently of any checkpoint code.
/// </summary>
internal sealed class TwoSlotHistory
{
    public const int InitialSeed = 1;
    public const int StepsBeforeFirst = 3;
    public const int StepsBetween = 2;
    public const int ContinuationSeed = 999;
    public const int ContinuationSteps = 3;

    /// <summary>Slots are a little larger than a checkpoint, as flash sectors are: the tail is never part of one.</summary>
    public const int SlotPadding = 8;

    private readonly List<KnownCheckpoint> _known = new();

    public TwoSlotHistory(TwoSlotLayout layout, TwoSlotOptimizer optimizer, StorageMedium medium, bool authenticated = false)
    {
        Layout = layout;
        Optimizer = optimizer;
        Authenticated = authenticated;
        Live = Replay(layout, optimizer, 0, authenticated);
        Length = Live.StoredBytes;
        Storage = new FaultInjectingStorage(Length + SlotPadding, medium);
        Scratch = new byte[Length];
    }

    public TwoSlotLayout Layout { get; }

    public TwoSlotOptimizer Optimizer { get; }

    /// <summary>Whether the live run seals its checkpoints (and loads require the key).</summary>
    public bool Authenticated { get; }

    /// <summary>The subject that writes the history.</summary>
    public CheckpointSubject Live { get; }

    public FaultInjectingStorage Storage { get; }

    /// <summary>The live subject's scratch buffer.</summary>
    public byte[] Scratch { get; }

    /// <summary>The bytes a checkpoint takes in its slot: CheckpointBytes, plus the tag when sealed.</summary>
    public int Length { get; }

    /// <summary>Every checkpoint written completely so far, oldest first.</summary>
    public IReadOnlyList<KnownCheckpoint> Known => _known;

    public static int SegmentSeed(int checkpoint) => 100 + checkpoint;

    /// <summary>The live subject's state when it wrote checkpoint C<paramref name="checkpoint"/> (0: before the first), rebuilt from scratch.</summary>
    public static CheckpointSubject Replay(TwoSlotLayout layout, TwoSlotOptimizer optimizer, int checkpoint, bool authenticated = false)
    {
        CheckpointSubject subject = TwoSlotSubjects.Create(layout, optimizer, InitialSeed, authenticated: authenticated);
        subject.Train(SegmentSeed(0), StepsBeforeFirst);
        for (int i = 1; i <= checkpoint; i++)
        {
            subject.Train(SegmentSeed(i), StepsBetween);
        }

        return subject;
    }

    /// <summary>Takes the continuation steps and returns the image they end at.</summary>
    public static byte[] Continue(CheckpointSubject subject)
    {
        subject.Train(ContinuationSeed, ContinuationSteps);
        return subject.Image();
    }

    /// <summary>
    /// Trains the live subject to the next checkpoint and saves it with no fault; checks the sequence number
    /// and the slot (slot 0 first, then alternating), that the other slot was not touched, and that the live
    /// state is the replayed one. Returns it, with its continuation image.
    /// </summary>
    public KnownCheckpoint SaveNext()
    {
        int number = _known.Count + 1;
        Live.Train(SegmentSeed(number), StepsBetween);
        byte[] image = Live.Image();
        TwoSlotAssert.SameBytes(Replay(Layout, Optimizer, number).Image(), image, "The live run is not reproducible");
        int slot = (number - 1) % 2;
        byte[] other = Storage.Copy(1 - slot, Storage.SlotBytes);
        Assert.Equal((ulong)number, Live.Save(Storage, Scratch));
        Assert.Equal(slot, Storage.LastWriteSlot);
        TwoSlotAssert.SameBytes(other, Storage.Copy(1 - slot, Storage.SlotBytes), "C" + number + "'s save wrote over the other slot");
        var checkpoint = new KnownCheckpoint("C" + number, (ulong)number, Storage.Copy(slot, Length), image, Continue(Replay(Layout, Optimizer, number)));
        TwoSlotAssert.SameBytes(image, Live.Image(), "Saving changed the live state");
        _known.Add(checkpoint);
        return checkpoint;
    }

    /// <summary>Adds a checkpoint the test saw written completely outside <see cref="SaveNext"/>.</summary>
    public void Add(KnownCheckpoint checkpoint) => _known.Add(checkpoint);
}

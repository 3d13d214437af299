namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>A checkpoint the test saw written completely: the exact bytes it left in its slot and the state it holds.</summary>
internal sealed class KnownCheckpoint
{
    public KnownCheckpoint(string name, ulong sequence, byte[] stored, byte[] image, byte[]? continuation)
    {
        Name = name;
        Sequence = sequence;
        Stored = stored;
        Image = image;
        Continuation = continuation;
    }

    /// <summary>C1, C2, ... in the order the history wrote them.</summary>
    public string Name { get; }

    /// <summary>The sequence number the two-slot save returned for it.</summary>
    public ulong Sequence { get; }

    /// <summary>The <c>CheckpointBytes</c> bytes the complete write left at the start of its slot.</summary>
    public byte[] Stored { get; }

    /// <summary>The saver's <see cref="CheckpointSubject.Image"/> when it wrote this checkpoint: what a load of it must reproduce.</summary>
    public byte[] Image { get; }

    /// <summary>
    /// The image after the saver, from this checkpoint's state, took <see cref="TwoSlotHistory.ContinuationSteps"/> more
    /// steps on the continuation gradients (null when not computed): a loaded copy must end exactly there too.
    /// </summary>
    public byte[]? Continuation { get; }

    public override string ToString() => Name + " (sequence " + Sequence + ")";
}

/// <summary>What a correct loader returns: this checkpoint, from this slot.</summary>
internal sealed record ExpectedLoad(int Slot, KnownCheckpoint Checkpoint);

using System;

namespace WeightDecay.Edge.Tests.Checkpoints.TwoSlot;

/// <summary>
/// One model and its optimizer, seen through the generated checkpoint members (each optimizer is its own
/// generated class, so they are bound as delegates). Everything here goes through the public or internal
/// API a user calls: SaveCheckpoint/LoadCheckpoint over a byte[] and over an <see cref="ICheckpointStorage"/>.
/// </summary>
internal sealed class CheckpointSubject
{
    private readonly IModelLayout _model;
    private readonly IOptimizer _optimizer;
    private readonly Func<byte[], int, int> _saveToArray;
    private readonly Action<byte[], int, int> _loadFromArray;
    private readonly Func<ICheckpointStorage, byte[], ulong> _saveToSlots;
    private readonly Func<ICheckpointStorage, byte[], int> _loadFromSlots;
    private readonly Func<int> _checkpointBytes;
    private readonly Func<ICheckpointStorage, byte[], CheckpointKey?, ulong, ulong> _saveToSlotsSealed;
    private readonly Func<ICheckpointStorage, byte[], CheckpointKey?, ulong, int> _loadFromSlotsSealed;
    private readonly Action<byte[], int, int, CheckpointKey?, ulong> _loadFromArraySealed;

    public CheckpointSubject(
        IModelLayout model,
        IOptimizer optimizer,
        Func<byte[], int, int> saveToArray,
        Action<byte[], int, int> loadFromArray,
        Func<ICheckpointStorage, byte[], ulong> saveToSlots,
        Func<ICheckpointStorage, byte[], int> loadFromSlots,
        Func<int> checkpointBytes,
        Func<ICheckpointStorage, byte[], CheckpointKey?, ulong, ulong> saveToSlotsSealed,
        Func<ICheckpointStorage, byte[], CheckpointKey?, ulong, int> loadFromSlotsSealed,
        Action<byte[], int, int, CheckpointKey?, ulong> loadFromArraySealed)
    {
        _model = model;
        _optimizer = optimizer;
        _saveToArray = saveToArray;
        _loadFromArray = loadFromArray;
        _saveToSlots = saveToSlots;
        _loadFromSlots = loadFromSlots;
        _checkpointBytes = checkpointBytes;
        _saveToSlotsSealed = saveToSlotsSealed;
        _loadFromSlotsSealed = loadFromSlotsSealed;
        _loadFromArraySealed = loadFromArraySealed;
    }

    /// <summary>
    /// When set, the two-slot save and load seal and authenticate with it (the overloads with a key and a minimum
    /// sequence number, <see cref="MinimumSequence"/>), and slots hold <see cref="StoredBytes"/>.
    /// </summary>
    public CheckpointKey? Key { get; set; }

    /// <summary>The minimum sequence number the keyed two-slot calls pass (0 unless a test sets it).</summary>
    public ulong MinimumSequence { get; set; }

    /// <summary>Bytes a checkpoint takes in a slot: <see cref="CheckpointBytes"/>, plus the tag when sealing.</summary>
    public int StoredBytes => CheckpointBytes + (Key is null ? 0 : CheckpointKey.TagBytes);

    /// <summary><c>LoadCheckpoint(byte[], int, int, CheckpointKey, ulong)</c> with <see cref="Key"/> (which may be null) and <see cref="MinimumSequence"/>.</summary>
    public void LoadSealedFromArray(byte[] source) => _loadFromArraySealed(source, 0, source.Length, Key, MinimumSequence);

    public float[] Parameters => _model.Parameters;

    public float[] Gradients => _model.Gradients;

    public long StepCount => _optimizer.StepCount;

    public int CheckpointBytes => _checkpointBytes();

    /// <summary>
    /// The optimizer's whole checkpointed state as bytes: <c>SaveCheckpoint(byte[], 0)</c>, which always writes
    /// sequence number 0, so two images are equal exactly when the parameters, optimizer state, step counts,
    /// hyperparameters and options are (bit for bit, CRCs included).
    /// </summary>
    public byte[] Image()
    {
        var image = new byte[CheckpointBytes];
        Assert.Equal(image.Length, _saveToArray(image, 0));
        return image;
    }

    /// <summary><c>LoadCheckpoint(byte[], int, int)</c>.</summary>
    public void LoadFromArray(byte[] source) => _loadFromArray(source, 0, source.Length);

    /// <summary>The two-slot save (<c>SaveCheckpoint(ICheckpointStorage, byte[])</c>); returns the sequence number written.</summary>
    public ulong Save(ICheckpointStorage storage, byte[] scratch) =>
        Key is null ? _saveToSlots(storage, scratch) : _saveToSlotsSealed(storage, scratch, Key, MinimumSequence);

    /// <summary>The two-slot load (<c>LoadCheckpoint(ICheckpointStorage, byte[])</c>); returns the slot loaded.</summary>
    public int Load(ICheckpointStorage storage, byte[] scratch) =>
        Key is null ? _loadFromSlots(storage, scratch) : _loadFromSlotsSealed(storage, scratch, Key, MinimumSequence);

    /// <summary>Sets every parameter from <paramref name="seed"/>, in [-1, 1).</summary>
    public void Randomize(int seed)
    {
        var random = new Random(seed);
        float[] parameters = _model.Parameters;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = (float)(random.NextDouble() * 2 - 1);
        }
    }

    /// <summary>Takes <paramref name="steps"/> optimizer steps on gradients drawn from <paramref name="seed"/>.</summary>
    public void Train(int seed, int steps)
    {
        var random = new Random(seed);
        float[] gradients = _model.Gradients;
        for (int step = 0; step < steps; step++)
        {
            for (int i = 0; i < gradients.Length; i++)
            {
                gradients[i] = (float)(random.NextDouble() * 2 - 1);
            }

            _optimizer.Step();
        }
    }

    /// <summary>Everything a failed load must leave alone.</summary>
    public SubjectState Capture() => new(Parameters, Gradients, StepCount, Image());

    /// <summary>Asserts that the parameters, gradients, step count and checkpointed state are byte-identical to <paramref name="before"/>.</summary>
    public void AssertUnchanged(SubjectState before, string context)
    {
        TwoSlotAssert.SameBytes(before.Image, Image(), context + ": the saved state changed");
        Assert.True(before.Parameters.AsSpan().SequenceEqual(Parameters), context + ": the parameters changed");
        Assert.True(before.Gradients.AsSpan().SequenceEqual(Gradients), context + ": the gradients changed");
        Assert.True(before.StepCount == StepCount, context + ": the step count changed from " + before.StepCount + " to " + StepCount);
    }
}

/// <summary>A copy of a subject's state (see <see cref="CheckpointSubject.Capture"/>).</summary>
internal sealed class SubjectState
{
    public SubjectState(float[] parameters, float[] gradients, long stepCount, byte[] image)
    {
        Parameters = (float[])parameters.Clone();
        Gradients = (float[])gradients.Clone();
        StepCount = stepCount;
        Image = image;
    }

    public float[] Parameters { get; }

    public float[] Gradients { get; }

    public long StepCount { get; }

    public byte[] Image { get; }
}

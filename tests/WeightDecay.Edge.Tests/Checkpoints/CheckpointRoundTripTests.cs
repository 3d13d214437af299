using System;
using System.IO;
using System.Linq;
using WeightDecay.Edge;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.Checkpoints;

/// <summary>
/// Save, load into another model and optimizer, and both go on bit-identically: the checkpoint holds
/// everything a step depends on but the gradients and the schedule (docs/checkpoints.md).
/// </summary>
public sealed class CheckpointRoundTripTests
{
    public static TheoryData<string, string> Cases() => CheckpointLayouts.Cases(CheckpointLayouts.Covered);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Round_trip_restores_everything_and_continues_bit_identically(string layoutName, string variantName)
    {
        CheckpointLayout layout = CheckpointLayouts.Get(layoutName);
        CheckpointVariant variant = CheckpointVariants.Get(variantName);
        CheckpointSubject source = CheckpointSubject.Create(layout, variant, seed: 21);
        source.Run(variant, new Random(22), 5);
        byte[] bytes = source.SaveToArray();

        // The target has been used, with other hyperparameters and options: the load replaces all of them.
        CheckpointSubject target = CheckpointSubject.Create(layout, variant.Kind);
        variant.ConfigureStructure(target);
        target.Set("LearningRate", 0.5f);
        target.Set("WeightDecay", 0.25f);
        target.Set("MaxGradientNorm", 7f);
        target.Set("SkipNonFiniteSteps", !(bool)source.Get("SkipNonFiniteSteps"));
        var random = new Random(24);
        target.StepWith(random);
        target.StepWith(random);
        for (int i = 0; i < target.Gradients.Length; i++)
        {
            target.Gradients[i] = (float)random.NextDouble();
        }

        int[] pendingGradients = CheckpointSubject.Bits(target.Gradients);
        double lastGradientNorm = (double)target.Get("LastGradientNorm");
        object schedule = target.Get("Schedule");

        target.Load(bytes, 0, bytes.Length);

        Assert.Equal(CheckpointSubject.Bits(source.Parameters), CheckpointSubject.Bits(target.Parameters));
        Assert.Equal(source.StepCount, target.StepCount);
        Assert.Equal(source.SkippedStepCount, target.SkippedStepCount);
        Assert.Equal(CheckpointSubject.Bits(source.HyperParameters()), CheckpointSubject.Bits(target.HyperParameters()));
        Assert.Equal(source.Options(), target.Options());
        foreach ((string _, string field) in CheckpointSubject.StateArrays(variant.Kind))
        {
            Assert.Equal(CheckpointSubject.Bits(source.State(field)), CheckpointSubject.Bits(target.State(field)));
        }

        if (variant.Kind == OptimizerKind.Sgd)
        {
            Assert.Equal(Private(source, "_momentumBufferInitialized"), Private(target, "_momentumBufferInitialized"));
        }

        // Not in a checkpoint: the gradients, the schedule and LastGradientNorm stay as they were.
        Assert.Equal(pendingGradients, CheckpointSubject.Bits(target.Gradients));
        Assert.Same(schedule, target.Get("Schedule"));
        Assert.Equal(lastGradientNorm, (double)target.Get("LastGradientNorm"));
        Assert.Equal(bytes, target.SaveToArray());

        // Both go on identically, through a skipped step where the variant has one.
        var gradients = new Random(25);
        for (int step = 0; step < 6; step++)
        {
            for (int i = 0; i < source.Gradients.Length; i++)
            {
                source.Gradients[i] = target.Gradients[i] = (float)((gradients.NextDouble() * 2) - 1);
            }

            if (variant.SkipsAStep && step == 2 && layout.TrainableCount > 0)
            {
                source.Gradients[layout.TrainableIndices()[0]] = target.Gradients[layout.TrainableIndices()[0]] = float.PositiveInfinity;
            }

            source.Step();
            target.Step();
            Assert.Equal(CheckpointSubject.Bits(source.Parameters), CheckpointSubject.Bits(target.Parameters));
        }

        Assert.Equal(source.SaveToArray(), target.SaveToArray());
    }

    /// <summary>The schedule is not saved: set the same one again and the run continues identically, mid-warm-up included.</summary>
    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Same_schedule_set_again_continues_bit_identically(OptimizerKind kind)
    {
        LearningRateSchedule Schedule() => kind == OptimizerKind.Sgd ? LearningRateSchedule.Step(3, 0.5f) : LearningRateSchedule.WarmupCosine(4, 20, 0.1f);
        CheckpointSubject source = CheckpointSubject.Create(CheckpointLayouts.Mixed, kind);
        source.Set("Schedule", Schedule());
        source.Set("LearningRate", 0.05f);
        if (kind == OptimizerKind.AdamW)
        {
            source.Set("DecayMode", DecoupledDecay.ScheduleCoupled);
        }

        var random = new Random(31);
        for (int step = 0; step < 3; step++)
        {
            source.StepWith(random);
        }

        byte[] bytes = source.SaveToArray();
        CheckpointSubject target = CheckpointSubject.Create(CheckpointLayouts.Mixed, kind);
        target.Set("Schedule", Schedule());
        target.Load(bytes, 0, bytes.Length);
        for (int step = 0; step < 12; step++)
        {
            for (int i = 0; i < source.Gradients.Length; i++)
            {
                source.Gradients[i] = target.Gradients[i] = (float)((random.NextDouble() * 2) - 1);
            }

            source.Step();
            target.Step();
            Assert.Equal(CheckpointSubject.Bits(source.Parameters), CheckpointSubject.Bits(target.Parameters));
        }
    }

    /// <summary>A checkpoint anywhere in a larger array, followed by other bytes: count may exceed the checkpoint.</summary>
    [Fact]
    public void Checkpoint_at_an_offset_with_bytes_after_it_loads()
    {
        CheckpointVariant variant = CheckpointVariants.Get("AdamW:amsgrad+clip");
        CheckpointSubject source = CheckpointSubject.Create(CheckpointLayouts.Frozen, variant, seed: 41);
        source.Run(variant, new Random(42), 3);
        var buffer = new byte[source.CheckpointBytes + 100];
        new Random(43).NextBytes(buffer);
        source.Save(buffer, 37);

        CheckpointSubject target = CheckpointSubject.Create(CheckpointLayouts.Frozen, variant.Kind);
        variant.ConfigureStructure(target);
        target.Load(buffer, 37, buffer.Length - 37);
        Assert.Equal(source.SaveToArray(), target.SaveToArray());
    }

    [Theory]
    [InlineData("Sgd:nesterov+clip")]
    [InlineData("Adam:amsgrad+skip")]
    [InlineData("AdamW:schedule-coupled+skip")]
    public void Stream_overloads_write_the_same_bytes_and_read_them_back(string variantName)
    {
        CheckpointVariant variant = CheckpointVariants.Get(variantName);
        CheckpointSubject source = CheckpointSubject.Create(CheckpointLayouts.Mixed, variant, seed: 51);
        source.Run(variant, new Random(52), 4);
        byte[] bytes = source.SaveToArray();

        // Two checkpoints back to back in one stream, the second after two more steps.
        using var stream = new MemoryStream();
        source.SaveToStream(stream);
        Assert.Equal(bytes, stream.ToArray());
        source.Run(variant, new Random(53), 2);
        byte[] later = source.SaveToArray();
        source.SaveToStream(stream);
        Assert.Equal(bytes.Concat(later), stream.ToArray());

        // LoadCheckpoint(Stream) reads exactly CheckpointBytes: the next checkpoint stays in the stream.
        stream.Position = 0;
        CheckpointSubject target = Fresh(variant);
        target.LoadFromStream(stream);
        Assert.Equal(bytes.Length, stream.Position);
        Assert.Equal(bytes, target.SaveToArray());
        target.LoadFromStream(stream);
        Assert.Equal(later, target.SaveToArray());

        // A stream that returns one byte per Read.
        CheckpointSubject trickle = Fresh(variant);
        trickle.LoadFromStream(new OneBytePerReadStream(bytes));
        Assert.Equal(bytes, trickle.SaveToArray());

        // A stream that ends early: refused as truncated, nothing changed.
        CheckpointSubject cut = Fresh(variant);
        Observation before = cut.Observe();
        foreach (int length in new[] { 0, 3, 39, 40, bytes.Length - 1 })
        {
            var thrown = Assert.Throws<CheckpointTruncatedException>(() => cut.LoadFromStream(new OneBytePerReadStream(bytes.AsSpan(0, length).ToArray())));
            Assert.Equal(CheckpointError.Truncated, thrown.Error);
            Assert.Contains($"truncated: {length} ", thrown.Message, StringComparison.Ordinal);
        }

        before.AssertSame(cut.Observe());
    }

    /// <summary>Known bug (see <see cref="CheckpointLayouts.HitsMomentumBufferBug"/>): remove Skip once SGD's checkpoint treats an allocated empty buffer as present.</summary>
    [Fact]
    public void Sgd_momentum_with_nothing_trainable_round_trips()
    {
        var source = new TrainingLoop.AllFrozenLayout.SgdOptimizer(new TrainingLoop.AllFrozenLayout()) { Momentum = 0.9f };
        Assert.Equal(1, CheckpointReader.Decode(SaveOf(source)).StateFlags);
        var target = new TrainingLoop.AllFrozenLayout.SgdOptimizer(new TrainingLoop.AllFrozenLayout()) { Momentum = 0.5f };
        byte[] bytes = SaveOf(source);
        target.LoadCheckpoint(bytes, 0, bytes.Length);
        Assert.Equal(0.9f, target.Momentum);

        static byte[] SaveOf(TrainingLoop.AllFrozenLayout.SgdOptimizer optimizer)
        {
            var bytes = new byte[optimizer.CheckpointBytes];
            optimizer.SaveCheckpoint(bytes, 0);
            return bytes;
        }
    }

    private static CheckpointSubject Fresh(CheckpointVariant variant)
    {
        CheckpointSubject subject = CheckpointSubject.Create(CheckpointLayouts.Mixed, variant.Kind);
        variant.ConfigureStructure(subject);
        return subject;
    }

    private static object Private(CheckpointSubject subject, string field) =>
        subject.OptimizerType.GetField(field, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(subject.Optimizer)!;

    /// <summary>A read-only stream that hands out at most one byte per Read, as a slow serial link might.</summary>
    private sealed class OneBytePerReadStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (count == 0 || _position == data.Length)
            {
                return 0;
            }

            buffer[offset] = data[_position++];
            return 1;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

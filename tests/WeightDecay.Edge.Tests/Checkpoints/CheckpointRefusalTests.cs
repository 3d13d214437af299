using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using WeightDecay.Edge;
using WeightDecay.Edge.Tests.Infrastructure;
using Xunit.Sdk;
using Offsets = WeightDecay.Edge.Tests.Checkpoints.CheckpointReader.Offsets;

namespace WeightDecay.Edge.Tests.Checkpoints;

/// <summary>
/// Every way LoadCheckpoint refuses a checkpoint (docs/checkpoints.md, "Loading"): the exception type,
/// its Error, a fragment of its message, and a live model and optimizer that are bit for bit as they
/// were (parameters, gradients, counters, hyperparameters, options, state, and the bytes of a save).
/// Damaged values are re-sealed with valid CRCs, so the check under test is the one that refuses.
/// </summary>
public sealed class CheckpointRefusalTests
{
    public static TheoryData<string, string> Cases() => CheckpointLayouts.Cases(CheckpointLayouts.Mixed, CheckpointLayouts.Frozen);

    /// <summary>One way to damage a checkpoint and what the load must say about it.</summary>
    private sealed record Damage(string Name, Action<byte[]> Apply, Type Exception, CheckpointError Error, string Fragment, int? Count = null);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_damage_is_refused_and_changes_nothing(string layoutName, string variantName)
    {
        CheckpointLayout layout = CheckpointLayouts.Get(layoutName);
        CheckpointVariant variant = CheckpointVariants.Get(variantName);
        byte[] original = Saved(layout, variant, seed: 1);
        CheckpointSubject live = Live(layout, variant);

        foreach (Damage damage in Damages(layout, variant, original.Length))
        {
            byte[] bytes = (byte[])original.Clone();
            damage.Apply(bytes);
            try
            {
                AssertRefused(live, bytes, damage.Count ?? bytes.Length, damage.Exception, damage.Error, damage.Fragment);
            }
            catch (XunitException failure)
            {
                throw new XunitException($"{damage.Name}: {failure.Message}");
            }
        }

        // The undamaged checkpoint still loads into the same optimizer: the refusals were the damage's doing.
        live.Load(original, 0, original.Length);
        Assert.Equal(original, live.SaveToArray());
    }

    private static IEnumerable<Damage> Damages(CheckpointLayout layout, CheckpointVariant variant, int length)
    {
        int kind = (int)variant.Kind + 1;
        int p = layout.ParameterCount;
        int t = layout.TrainableCount;
        string className = CheckpointSubject.ClassName(variant.Kind);
        Type format = typeof(CheckpointFormatException);
        Type corrupt = typeof(CheckpointCorruptException);
        Type mismatch = typeof(CheckpointMismatchException);
        Type value = typeof(CheckpointValueException);

        // Framing.
        yield return new("magic", b => b[0] ^= 0x20, format, CheckpointError.BadMagic, "does not start with the magic number \"WDEC\"");
        yield return new("magic, last byte", b => b[3] = (byte)'D', format, CheckpointError.BadMagic, "magic number");
        yield return new("magic, 2 bytes given", b => b[1] = 0, format, CheckpointError.BadMagic, "magic number", Count: 2);
        yield return new("version 3", b => { b[Offsets.Version] = 3; CheckpointReader.Reseal(b); }, format, CheckpointError.UnsupportedVersion,
            "Checkpoint format version 3 is not supported; this build reads versions 1 and 2.");
        yield return new("version 257", b => { b[Offsets.Version + 1] = 1; CheckpointReader.Reseal(b); }, format, CheckpointError.UnsupportedVersion, "version 257 is not supported");
        yield return new("version 3, truncated header", b => b[Offsets.Version] = 3, format, CheckpointError.UnsupportedVersion, "version 3", Count: 12);
        yield return new("version 2 (sealed) without a key", b => { b[Offsets.Version] = 2; CheckpointReader.Reseal(b); }, typeof(CheckpointAuthenticationException), CheckpointError.NotAuthentic,
            "The checkpoint is sealed with HMAC-SHA256 (format version 2); load it with its CheckpointKey.");
        yield return new("header CRC", b => b[Offsets.HeaderCrc + 2] ^= 0x01, corrupt, CheckpointError.Corrupt, "the header's CRC-32 does not match");
        yield return new("header byte", b => b[Offsets.Sequence] ^= 0x80, corrupt, CheckpointError.Corrupt, "the header's CRC-32 does not match");
        yield return new("payload byte", b => b[length / 2] ^= 0x10, corrupt, CheckpointError.Corrupt, "The checkpoint is corrupt: its CRC-32 does not match its bytes.");
        yield return new("step count byte", b => b[Offsets.StepCount] ^= 0x01, corrupt, CheckpointError.Corrupt, "its CRC-32 does not match");
        yield return new("trailing CRC", b => b[length - 1] ^= 0x40, corrupt, CheckpointError.Corrupt, "its CRC-32 does not match");
        yield return new("length field", b => SetHeaderInt32(b, Offsets.Length, length + 4), corrupt, CheckpointError.Corrupt,
            $"its header gives a length of {length + 4} bytes where this layout's is {length}.");

        // Another optimizer, other state, another layout (header fields re-sealed).
        string otherName = kind == 1 ? "AdamOptimizer" : "SgdOptimizer";
        yield return new("kind", b => { b[Offsets.Kind] = (byte)(kind == 1 ? 2 : 1); CheckpointReader.Reseal(b); }, mismatch, CheckpointError.OptimizerMismatch,
            $"The checkpoint is of {otherName}, not {className}.");
        yield return new("unknown kind", b => { b[Offsets.Kind] = 9; CheckpointReader.Reseal(b); }, mismatch, CheckpointError.OptimizerMismatch,
            $"The checkpoint is of an unknown optimizer (kind 9), not {className}.");
        yield return new("state flags", b => { b[Offsets.StateFlags] ^= 1; CheckpointReader.Reseal(b); }, mismatch, CheckpointError.OptimizerMismatch,
            "before loading.");
        yield return new("state flag bit 1", b => { b[Offsets.StateFlags] |= 2; CheckpointReader.Reseal(b); }, mismatch, CheckpointError.OptimizerMismatch, "are not ones this build writes");
        yield return new("layout hash", b => { b[Offsets.LayoutHash + 7] ^= 0x01; CheckpointReader.Reseal(b); }, mismatch, CheckpointError.LayoutMismatch,
            "The checkpoint is of another layout: layout hash 0x");
        yield return new("parameter count", b => SetHeaderInt32(b, Offsets.ParameterCount, p + 1), mismatch, CheckpointError.LayoutMismatch,
            $"{p + 1} parameters ({t} trainable); this layout's hash is 0x");
        yield return new("trainable count", b => SetHeaderInt32(b, Offsets.TrainableCount, t + 1), mismatch, CheckpointError.LayoutMismatch,
            $"{p} parameters ({t + 1} trainable)");

        // Intact checkpoints holding values the optimizer cannot take (payload re-sealed).
        yield return new("negative step count", b => { BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(Offsets.StepCount), -1); CheckpointReader.Reseal(b); },
            value, CheckpointError.InvalidValue, "The checkpoint holds a negative step count.");
        yield return new("negative skipped-step count", b => { BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(Offsets.SkippedStepCount), long.MinValue); CheckpointReader.Reseal(b); },
            value, CheckpointError.InvalidValue, "negative step count");
        foreach (uint bit in new uint[] { 64, 0x100, 0x8000_0000 }) // 1-32 are known (32: FlushSubnormals)
        {
            uint options = variant.Options | bit;
            yield return new($"unknown option bit {bit}", b => { BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(Offsets.Options), options); CheckpointReader.Reseal(b); },
                value, CheckpointError.InvalidValue, $"The checkpoint sets option bits this build does not know: {(int)options}.");
        }

        if (variant.Kind == OptimizerKind.Adam)
        {
            // Bit 8 is AdamW's DecayMode: unknown to Adam.
            yield return new("AdamW's bit for Adam", b => { b[Offsets.Options] |= 8; CheckpointReader.Reseal(b); }, value, CheckpointError.InvalidValue, "option bits this build does not know");
        }

        string[] names = CheckpointSubject.HyperParameterNames(variant.Kind);
        for (int k = 0; k < names.Length; k++)
        {
            int at = Offsets.HyperParameters + (4 * k);
            string name = names[k];
            yield return new($"{name} NaN", b => SetHyperParameter(b, at, float.NaN), value, CheckpointError.InvalidValue, $"The checkpoint's {name} is NaN; it must be");
            yield return new($"{name} +infinity", b => SetHyperParameter(b, at, float.PositiveInfinity), value, CheckpointError.InvalidValue, $"The checkpoint's {name} is ");
            yield return new($"{name} -infinity", b => SetHyperParameter(b, at, float.NegativeInfinity), value, CheckpointError.InvalidValue, $"The checkpoint's {name} is ");
            if (name != "Dampening")
            {
                yield return new($"{name} negative", b => SetHyperParameter(b, at, -0.5f), value, CheckpointError.InvalidValue,
                    name.StartsWith("Beta", StringComparison.Ordinal) ? $"The checkpoint's {name} is -0.5; it must be in [0, 1)." : $"The checkpoint's {name} is -0.5; it must be finite and zero or positive.");
            }

            if (name.StartsWith("Beta", StringComparison.Ordinal))
            {
                yield return new($"{name} 1", b => SetHyperParameter(b, at, 1f), value, CheckpointError.InvalidValue, $"The checkpoint's {name} is 1; it must be in [0, 1).");
            }
        }

        if (variant.Kind == OptimizerKind.Sgd)
        {
            int momentumAt = Offsets.HyperParameters + 4;
            int dampeningAt = Offsets.HyperParameters + 8;
            if (variant.OptionalState)
            {
                yield return new("Nesterov with dampening", b => { b[Offsets.Options] |= 1; SetHyperParameter(b, dampeningAt, 0.25f, reseal: false); SetHyperParameter(b, momentumAt, 0.5f); },
                    value, CheckpointError.InvalidValue, "The checkpoint sets Nesterov with Momentum 0 or Dampening not 0.");
                yield return new("Nesterov without momentum", b => { b[Offsets.Options] |= 1; SetHyperParameter(b, dampeningAt, 0f, reseal: false); SetHyperParameter(b, momentumAt, 0f); },
                    value, CheckpointError.InvalidValue, "The checkpoint sets Nesterov with Momentum 0 or Dampening not 0.");
            }
            else
            {
                yield return new("momentum without buffer", b => SetHyperParameter(b, momentumAt, 0.9f), value, CheckpointError.InvalidValue,
                    "The checkpoint has a non-zero Momentum but no momentum buffer.");
                yield return new("buffer started without buffer", b => { b[Offsets.Options] |= 4; CheckpointReader.Reseal(b); }, value, CheckpointError.InvalidValue,
                    "The checkpoint marks a momentum buffer as started but holds none.");
            }
        }

        // Non-finite floats: parameters first, then each state array in payload order.
        yield return new("NaN parameter", b => CheckpointReader.WriteFloat(b, kind, 3, float.NaN), value, CheckpointError.InvalidValue,
            $"The checkpoint's {layout.DescribeParameter(3)} is NaN or infinite.");
        yield return new("infinite last parameter", b => CheckpointReader.WriteFloat(b, kind, p - 1, float.NegativeInfinity), value, CheckpointError.InvalidValue,
            $"The checkpoint's {layout.DescribeParameter(p - 1)} is NaN or infinite.");
        string[] states = StatesIn(variant);
        for (int block = 0; block < states.Length; block++)
        {
            int first = p + (block * t);
            string state = states[block];
            yield return new($"NaN {state}[2]", b => CheckpointReader.WriteFloat(b, kind, first + 2, float.NaN), value, CheckpointError.InvalidValue,
                $"The checkpoint's {state}[2] is NaN or infinite.");
            yield return new($"infinite {state}[last]", b => CheckpointReader.WriteFloat(b, kind, first + t - 1, float.PositiveInfinity), value, CheckpointError.InvalidValue,
                $"The checkpoint's {state}[{t - 1}] is NaN or infinite.");
            if (state.EndsWith("exp_avg_sq", StringComparison.Ordinal))
            {
                yield return new($"negative {state}[5]", b => CheckpointReader.WriteFloat(b, kind, first + 5, -1e-3f), value, CheckpointError.InvalidValue,
                    $"The checkpoint's {state}[5] is negative; a second moment cannot be.");
                yield return new($"smallest negative {state}[last]", b => CheckpointReader.WriteFloat(b, kind, first + t - 1, -float.Epsilon), value, CheckpointError.InvalidValue,
                    $"The checkpoint's {state}[{t - 1}] is negative; a second moment cannot be.");
            }
        }
    }

    /// <summary>Truncated to every length below its own: Truncated, except that a wrong prefix of the magic is BadMagic.</summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_truncation_is_refused_and_changes_nothing(string layoutName, string variantName)
    {
        CheckpointLayout layout = CheckpointLayouts.Get(layoutName);
        CheckpointVariant variant = CheckpointVariants.Get(variantName);
        byte[] bytes = Saved(layout, variant, seed: 2);
        CheckpointSubject live = Live(layout, variant);
        Observation before = live.Observe();
        for (int count = 0; count < bytes.Length; count++)
        {
            // The array holds the whole checkpoint; count says how much of it was read.
            var thrown = Assert.Throws<CheckpointTruncatedException>(() => live.Load(bytes, 0, count));
            Assert.Equal(CheckpointError.Truncated, thrown.Error);
            string expected = count < CheckpointReader.HeaderBytes
                ? $"The checkpoint is truncated: {count} bytes, fewer than the 40-byte header."
                : $"The checkpoint is truncated: {count} of its {bytes.Length} bytes.";
            Assert.Equal(expected, thrown.Message);

            // And the same from an array exactly as long as what was read, at an offset.
            byte[] cut = new byte[count + 3];
            Array.Copy(bytes, 0, cut, 3, count);
            Assert.Throws<CheckpointTruncatedException>(() => live.Load(cut, 3, count));
        }

        before.AssertSame(live.Observe());
    }

    [Theory]
    [InlineData(new byte[] { (byte)'X' }, "BadMagic")]
    [InlineData(new byte[] { (byte)'W', (byte)'D', (byte)'X' }, "BadMagic")]
    [InlineData(new byte[] { (byte)'W', (byte)'D', (byte)'E', (byte)'X', 1, 0 }, "BadMagic")]
    [InlineData(new byte[0], "Truncated")]
    [InlineData(new byte[] { (byte)'W' }, "Truncated")]
    [InlineData(new byte[] { (byte)'W', (byte)'D', (byte)'E', (byte)'C' }, "Truncated")]
    [InlineData(new byte[] { (byte)'W', (byte)'D', (byte)'E', (byte)'C', 1 }, "Truncated")]
    [InlineData(new byte[] { (byte)'W', (byte)'D', (byte)'E', (byte)'C', 1, 0 }, "Truncated")]
    [InlineData(new byte[] { (byte)'W', (byte)'D', (byte)'E', (byte)'C', 0, 0 }, "UnsupportedVersion")]
    [InlineData(new byte[] { (byte)'W', (byte)'D', (byte)'E', (byte)'C', 1, 1, 0, 0 }, "UnsupportedVersion")]
    public void Short_inputs_are_judged_by_the_bytes_they_have(byte[] bytes, string errorName)
    {
        CheckpointError error = Enum.Parse<CheckpointError>(errorName);
        CheckpointSubject live = Live(CheckpointLayouts.Mixed, CheckpointVariants.Get("Adam:default"));
        Observation before = live.Observe();
        var thrown = Assert.ThrowsAny<CheckpointException>(() => live.Load(bytes, 0, bytes.Length));
        Assert.Equal(error, thrown.Error);
        Assert.IsType(error == CheckpointError.Truncated ? typeof(CheckpointTruncatedException) : typeof(CheckpointFormatException), thrown);
        before.AssertSame(live.Observe());
    }

    public static TheoryData<string, string, string> OtherCheckpoints() => new()
    {
        // saved as, loaded into, message fragment
        { "MixedLayout/Adam:default", "MixedLayout/AdamW:default", "The checkpoint is of AdamOptimizer, not AdamWOptimizer." },
        { "MixedLayout/AdamW:amsgrad+clip", "MixedLayout/Adam:amsgrad+skip", "The checkpoint is of AdamWOptimizer, not AdamOptimizer." },
        { "MixedLayout/Sgd:plain", "MixedLayout/Adam:default", "The checkpoint is of SgdOptimizer, not AdamOptimizer." },
        { "MixedLayout/Adam:default", "MixedLayout/Sgd:momentum", "The checkpoint is of AdamOptimizer, not SgdOptimizer." },
        { "MixedLayout/Adam:amsgrad+skip", "MixedLayout/Adam:default",
            "The checkpoint holds AMSGrad state (max_exp_avg_sq) but this AdamOptimizer keeps no AMSGrad state; configure it as the saved one was (set Amsgrad) before loading." },
        { "MixedLayout/AdamW:default", "MixedLayout/AdamW:amsgrad+clip",
            "The checkpoint holds no AMSGrad state but this AdamWOptimizer keeps AMSGrad state (max_exp_avg_sq); configure it as the saved one was (set Amsgrad) before loading." },
        { "MixedLayout/Sgd:momentum", "MixedLayout/Sgd:plain",
            "The checkpoint holds a momentum buffer but this SgdOptimizer keeps no momentum buffer; configure it as the saved one was (set Momentum to a non-zero value, or leave it 0) before loading." },
        { "MixedLayout/Sgd:plain", "MixedLayout/Sgd:nesterov+clip", "The checkpoint holds no momentum buffer but this SgdOptimizer keeps a momentum buffer;" },
        { "AllDecayLayout/Adam:default", "MixedLayout/Adam:default", "The checkpoint is of another layout: layout hash 0x" },
        { "AllDecayLayout/Sgd:momentum", "MixedLayout/Sgd:momentum", "67 parameters (67 trainable); this layout's hash is 0x" },
        { "TinyLayout/AdamW:default", "MixedLayout/AdamW:default", "5 parameters (5 trainable); this layout's hash is 0x" },
        { "TrainableOnlyLayout/AdamW:default", "FrozenLayout/AdamW:default", "66 parameters (66 trainable); this layout's hash is 0x" },
    };

    /// <summary>Real checkpoints of another optimizer, other state or another layout (no tampering).</summary>
    [Theory]
    [MemberData(nameof(OtherCheckpoints))]
    public void Checkpoint_of_another_optimizer_or_layout_is_refused(string savedAs, string loadedInto, string fragment)
    {
        byte[] bytes = Saved(Layout(savedAs.Split('/')[0]), CheckpointVariants.Get(savedAs.Split('/')[1]), seed: 3);
        CheckpointSubject live = Live(Layout(loadedInto.Split('/')[0]), CheckpointVariants.Get(loadedInto.Split('/')[1]));
        CheckpointError error = fragment.Contains("layout", StringComparison.Ordinal) ? CheckpointError.LayoutMismatch : CheckpointError.OptimizerMismatch;
        AssertRefused(live, bytes, bytes.Length, typeof(CheckpointMismatchException), error, fragment);
    }

    [Theory]
    [InlineData("Adam:default")]
    [InlineData("Sgd:momentum")]
    public void Argument_errors_change_nothing(string variantName)
    {
        CheckpointVariant variant = CheckpointVariants.Get(variantName);
        byte[] bytes = Saved(CheckpointLayouts.Mixed, variant, seed: 4);
        CheckpointSubject live = Live(CheckpointLayouts.Mixed, variant);
        Observation before = live.Observe();
        int n = bytes.Length;

        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => live.Load(null!, 0, 0)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => live.Load(bytes, -1, n)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => live.Load(bytes, n + 1, 0)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => live.Load(bytes, 0, -1)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => live.Load(bytes, 0, n + 1)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => live.Load(bytes, 1, n)).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => live.Load(bytes, n, 1)).ParamName);
        Assert.Throws<CheckpointTruncatedException>(() => live.Load(bytes, n, 0)); // An empty range at the end is a valid range.
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => live.LoadFromStream(null!)).ParamName);

        int length = live.CheckpointBytes;
        byte[] destination = Enumerable.Repeat((byte)0x5A, length + 2).ToArray();
        byte[] untouched = (byte[])destination.Clone();
        Assert.Equal("destination", Assert.Throws<ArgumentNullException>(() => live.Save(null!, 0)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => live.Save(destination, -1)).ParamName);
        Assert.Equal("offset", Assert.Throws<ArgumentOutOfRangeException>(() => live.Save(destination, length + 3)).ParamName);
        var small = Assert.Throws<ArgumentException>(() => live.Save(destination, 3));
        Assert.Equal("destination", small.ParamName);
        Assert.Contains($"The checkpoint needs {length} bytes but the destination has {length - 1} from offset 3.", small.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => live.Save(destination, length + 2));
        Assert.Throws<ArgumentException>(() => live.Save(new byte[length - 1], 0));
        Assert.Equal(untouched, destination);
        Assert.Equal("stream", Assert.Throws<ArgumentNullException>(() => live.SaveToStream(null!)).ParamName);

        before.AssertSame(live.Observe());
    }

    public static TheoryData<string, string, string> NonFiniteSaves() => new()
    {
        // layout/variant, what is made non-finite, how the message names it
        { "MixedLayout/Sgd:plain", "parameter 5", "Parameters[5] (tensor W)" },
        { "FrozenLayout/AdamW:default", "parameter 0", "Parameters[0] (tensor Embed)" },
        { "FrozenLayout/Adam:default", "parameter 83", "Parameters[83] (tensor K)" },
        { "MixedLayout/Sgd:momentum", "_momentumBuffer 7", "momentum_buffer[7]" },
        { "MixedLayout/Adam:default", "_expAvg 4", "exp_avg[4]" },
        { "FrozenLayout/AdamW:amsgrad+clip", "_expAvgSq 65", "exp_avg_sq[65]" },
        { "MixedLayout/Adam:amsgrad+skip", "_maxExpAvgSq 0", "max_exp_avg_sq[0]" },
        { "MixedLayout/Sgd:plain", "LearningRate", "LearningRate" },
        { "MixedLayout/Sgd:momentum", "Dampening", "Dampening" },
        { "MixedLayout/AdamW:default", "WeightDecay", "WeightDecay" },
        { "MixedLayout/Adam:default", "Epsilon", "Epsilon" },
        { "MixedLayout/AdamW:default", "MaxGradientNorm", "MaxGradientNorm" },
    };

    /// <summary>A checkpoint that could not be loaded is never written: InvalidOperationException, destination untouched.</summary>
    [Theory]
    [MemberData(nameof(NonFiniteSaves))]
    public void Saving_non_finite_state_throws_and_writes_nothing(string subjectName, string what, string named)
    {
        CheckpointLayout layout = Layout(subjectName.Split('/')[0]);
        CheckpointVariant variant = CheckpointVariants.Get(subjectName.Split('/')[1]);
        CheckpointSubject subject = CheckpointSubject.Create(layout, variant, seed: 5);
        subject.Run(variant, new Random(6), 3);
        string[] parts = what.Split(' ');
        foreach (float bad in new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity })
        {
            if (parts[0] == "parameter")
            {
                subject.Parameters[int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)] = bad;
            }
            else if (parts.Length == 2)
            {
                subject.State(parts[0])[int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)] = bad;
            }
            else if (!float.IsNaN(bad) || parts[0] == "Dampening")
            {
                // The setters refuse NaN (but for Dampening) and negative values; +infinity passes them.
                subject.Set(parts[0], float.IsNegativeInfinity(bad) && parts[0] != "Dampening" ? float.PositiveInfinity : bad);
            }
            else
            {
                continue;
            }

            byte[] destination = Enumerable.Repeat((byte)0x5A, subject.CheckpointBytes + 8).ToArray();
            var thrown = Assert.Throws<InvalidOperationException>(() => subject.Save(destination, 4));
            Assert.Equal($"Refusing to save a checkpoint that could not be loaded: {named} is not finite. Nothing was written.", thrown.Message);
            Assert.All(destination, b => Assert.Equal(0x5A, b));

            using var stream = new MemoryStream();
            Assert.Throws<InvalidOperationException>(() => subject.SaveToStream(stream));
            Assert.Equal(0, stream.Length);
        }
    }

    /// <summary>-0 is not negative: a second moment of -0 (which a NaN-free run never makes, but which is harmless) loads.</summary>
    [Fact]
    public void Negative_zero_second_moment_is_accepted()
    {
        CheckpointVariant variant = CheckpointVariants.Get("Adam:amsgrad+skip");
        byte[] bytes = Saved(CheckpointLayouts.Mixed, variant, seed: 7);
        CheckpointReader.WriteFloat(bytes, 2, 67 + 67 + 4, -0f);
        CheckpointReader.WriteFloat(bytes, 2, 67 + 67 + 67 + 4, -0f);
        CheckpointSubject live = Live(CheckpointLayouts.Mixed, variant);
        live.Load(bytes, 0, bytes.Length);
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits(live.State("_expAvgSq")[4]));
    }

    private static CheckpointLayout Layout(string name) =>
        name == "TrainableOnlyLayout"
            ? new CheckpointLayout(typeof(TrainingLoop.TrainableOnlyLayout), 66, 66, [("W", 35, true), ("B", 13, true), ("K", 18, true)])
            : CheckpointLayouts.Get(name);

    private static string[] StatesIn(CheckpointVariant variant) => variant.Kind == OptimizerKind.Sgd
        ? (variant.OptionalState ? ["momentum_buffer"] : [])
        : (variant.OptionalState ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"]);

    /// <summary>A checkpoint of <paramref name="variant"/> after a few steps.</summary>
    private static byte[] Saved(CheckpointLayout layout, CheckpointVariant variant, int seed)
    {
        CheckpointSubject source = CheckpointSubject.Create(layout, variant, seed);
        source.Run(variant, new Random(seed + 100), 4);
        return source.SaveToArray();
    }

    /// <summary>A model and optimizer in use: configured as <paramref name="variant"/>, stepped, with gradients pending.</summary>
    private static CheckpointSubject Live(CheckpointLayout layout, CheckpointVariant variant)
    {
        CheckpointSubject live = CheckpointSubject.Create(layout, variant, seed: 99);
        var random = new Random(98);
        live.Run(variant, random, 3);
        for (int i = 0; i < live.Gradients.Length; i++)
        {
            live.Gradients[i] = (float)random.NextDouble();
        }

        return live;
    }

    private static void AssertRefused(CheckpointSubject live, byte[] bytes, int count, Type exception, CheckpointError error, string fragment)
    {
        Observation before = live.Observe();
        Exception thrown = Assert.Throws(exception, () => live.Load(bytes, 0, count));
        Assert.Equal(error, ((CheckpointException)thrown).Error);
        Assert.Contains(fragment, thrown.Message, StringComparison.Ordinal);
        before.AssertSame(live.Observe());
    }

    private static void SetHeaderInt32(byte[] bytes, int offset, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(offset), value);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Offsets.HeaderCrc), CheckpointReader.Crc(bytes.AsSpan(0, Offsets.HeaderCrc)));
    }

    private static void SetHyperParameter(byte[] bytes, int offset, float value, bool reseal = true)
    {
        BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(offset), value);
        if (reseal)
        {
            CheckpointReader.Reseal(bytes);
        }
    }
}

using System;
using System.Linq;
using System.Text;
using WeightDecay.Edge;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.Checkpoints;

/// <summary>The layout of the worked example in docs/checkpoints.md (the generator snapshots' Head).</summary>
[ModelLayout]
[Tensor("W", 3, 2)]
[Tensor("B", 2, Decay = false)]
[Sgd, Adam, AdamW]
public partial class CheckpointExampleHead
{
}

/// <summary>
/// Checkpoints as the generated code writes them, decoded by <see cref="CheckpointReader"/>, which
/// was written from docs/checkpoints.md alone: every field holds what the test set.
/// </summary>
public sealed class CheckpointFormatConformanceTests
{
    private const int Steps = 6;

    public static TheoryData<string, string> Cases() => CheckpointLayouts.Cases(CheckpointLayouts.Covered);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Checkpoint_decodes_field_by_field_to_what_the_test_set(string layoutName, string variantName)
    {
        CheckpointLayout layout = CheckpointLayouts.Get(layoutName);
        CheckpointVariant variant = CheckpointVariants.Get(variantName);
        CheckpointSubject subject = CheckpointSubject.Create(layout, variant, seed: 11);
        subject.Run(variant, new Random(12), Steps);
        long skipped = variant.SkipsAStep && layout.TrainableCount > 0 ? 1 : 0;
        Assert.Equal(skipped, subject.SkippedStepCount);

        // Written at an offset into a larger buffer: nothing outside [offset, offset + length) is touched.
        const int Offset = 7;
        int length = CheckpointReader.ExpectedLength((int)variant.Kind + 1, variant.OptionalState, layout.ParameterCount, layout.TrainableCount);
        var buffer = new byte[Offset + length + 11];
        Array.Fill(buffer, (byte)0xA5);
        Assert.Equal(length, subject.CheckpointBytes);
        Assert.Equal(length, subject.Save(buffer, Offset));
        Assert.All(buffer.Take(Offset), b => Assert.Equal(0xA5, b));
        Assert.All(buffer.Skip(Offset + length), b => Assert.Equal(0xA5, b));

        DecodedCheckpoint c = CheckpointReader.Decode(buffer, Offset);

        // Header.
        Assert.Equal("WDEC", Encoding.ASCII.GetString(buffer, Offset, 4));
        Assert.Equal(CheckpointReader.Magic, c.Magic);
        Assert.Equal(1, c.Version);
        Assert.Equal(variant.Kind switch { OptimizerKind.Sgd => 1, OptimizerKind.Adam => 2, _ => 3 }, c.Kind);
        int flags = variant.OptionalState ? 1 : 0;
        Assert.Equal(flags, c.StateFlags);
        Assert.Equal(CheckpointReader.LayoutHash(layout, CheckpointSubject.ClassName(variant.Kind), flags), c.LayoutHash);
        Assert.Equal(c.LayoutHash, subject.CheckpointLayoutHash);
        Assert.Equal(0UL, c.Sequence);
        Assert.Equal(length, c.Length);
        Assert.Equal(layout.ParameterCount, c.ParameterCount);
        Assert.Equal(layout.TrainableCount, c.TrainableCount);
        Assert.Equal(c.ComputedHeaderCrc, c.HeaderCrc);

        // Payload.
        Assert.Equal(Steps - skipped, c.StepCount);
        Assert.Equal(skipped, c.SkippedStepCount);
        Assert.Equal(variant.Options, c.Options);
        Assert.Equal(CheckpointSubject.Bits(variant.ExpectedHyperParameters()), CheckpointSubject.Bits(c.HyperParameters));
        Assert.Equal(CheckpointSubject.Bits(subject.Parameters), CheckpointSubject.Bits(c.Parameters));

        string[] expectedStates = variant.Kind == OptimizerKind.Sgd
            ? (variant.OptionalState ? ["momentum_buffer"] : [])
            : (variant.OptionalState ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"]);
        Assert.Equal(expectedStates, c.States.Select(s => s.Name));
        foreach ((string name, float[] values) in c.States)
        {
            Assert.Equal(layout.TrainableCount, values.Length);
            string field = CheckpointSubject.StateArrays(variant.Kind).Single(s => s.TorchName == name).Field;
            Assert.Equal(CheckpointSubject.Bits(subject.State(field)), CheckpointSubject.Bits(values));
            Assert.All(values, v => Assert.True(float.IsFinite(v)));
        }

        if (variant.Kind != OptimizerKind.Sgd)
        {
            Assert.All(c.StateNamed("exp_avg_sq"), v => Assert.True(v >= 0f, $"exp_avg_sq {v}"));
            if (variant.OptionalState)
            {
                float[] v = c.StateNamed("exp_avg_sq");
                float[] max = c.StateNamed("max_exp_avg_sq");
                Assert.All(Enumerable.Range(0, v.Length), j => Assert.True(max[j] >= v[j], $"max_exp_avg_sq[{j}] < exp_avg_sq[{j}]"));
            }
        }

        // Trailer: the payload ends exactly four bytes before the length, then the CRC of everything before it.
        Assert.Equal(length - 4, c.PayloadEnd);
        Assert.Equal(c.ComputedCrc, c.Crc);
    }

    /// <summary>
    /// State index j belongs to the j-th trainable scalar (frozen tensors are skipped). After one step from
    /// zero state with no weight decay, torch's formulas fix the state: momentum_buffer = g exactly,
    /// exp_avg = (1 - β1)·g, exp_avg_sq = (1 - β2)·g² (one rounding each), max_exp_avg_sq = exp_avg_sq.
    /// </summary>
    [Theory]
    [InlineData("MixedLayout")]
    [InlineData("FrozenLayout")]
    [InlineData("DigitsMlp")]
    public void State_arrays_follow_the_trainable_scalars_in_order(string layoutName)
    {
        CheckpointLayout layout = CheckpointLayouts.Get(layoutName);
        int[] trainable = layout.TrainableIndices();
        Assert.Equal(layout.TrainableCount, trainable.Length);
        foreach (OptimizerKind kind in new[] { OptimizerKind.Sgd, OptimizerKind.Adam, OptimizerKind.AdamW })
        {
            CheckpointSubject subject = CheckpointSubject.Create(layout, kind);
            subject.Set("WeightDecay", 0f);
            subject.Set(kind == OptimizerKind.Sgd ? "Momentum" : "Amsgrad", kind == OptimizerKind.Sgd ? 0.9f : true);
            for (int i = 0; i < subject.Gradients.Length; i++)
            {
                // Distinct per index, so a state value at the wrong position cannot match.
                subject.Gradients[i] = (i % 2 == 0 ? 1 : -1) * (0.001f * (i + 1));
                subject.Parameters[i] = 0.25f;
            }

            float[] g = (float[])subject.Gradients.Clone();
            subject.Step();
            DecodedCheckpoint c = CheckpointReader.Decode(subject.SaveToArray());
            if (kind == OptimizerKind.Sgd)
            {
                Assert.Equal(trainable.Select(i => BitConverter.SingleToInt32Bits(g[i])), CheckpointSubject.Bits(c.StateNamed("momentum_buffer")));
                continue;
            }

            float[] m = c.StateNamed("exp_avg");
            float[] v = c.StateNamed("exp_avg_sq");
            for (int j = 0; j < trainable.Length; j++)
            {
                double gj = g[trainable[j]];
                Assert.Equal(0.1 * gj, m[j], Math.Abs(0.1 * gj) * 1e-6);
                Assert.Equal(0.001 * gj * gj, v[j], 0.001 * gj * gj * 1e-6);
            }

            Assert.Equal(CheckpointSubject.Bits(v), CheckpointSubject.Bits(c.StateNamed("max_exp_avg_sq")));
        }
    }

    /// <summary>The optimizer line and the state flag are part of the hashed text: six hashes per layout, all different.</summary>
    [Fact]
    public void Layout_hash_depends_on_the_optimizer_and_its_state()
    {
        ulong[] hashes = new[] { "SgdOptimizer", "AdamOptimizer", "AdamWOptimizer" }
            .SelectMany(optimizer => new[] { 0, 1 }.Select(flags => CheckpointReader.LayoutHash(CheckpointLayouts.Mixed, optimizer, flags)))
            .ToArray();
        Assert.Equal(6, hashes.Distinct().Count());
        Assert.NotEqual(
            CheckpointReader.LayoutHash(CheckpointLayouts.Mixed, "AdamOptimizer", 0),
            CheckpointReader.LayoutHash(CheckpointLayouts.AllDecay, "AdamOptimizer", 0));

        var model = new MixedLayout();
        Assert.Equal(hashes[2], new MixedLayout.AdamOptimizer(model).CheckpointLayoutHash);
        Assert.Equal(hashes[3], new MixedLayout.AdamOptimizer(model) { Amsgrad = true }.CheckpointLayoutHash);
    }

    /// <summary>The test's own FNV-1a against the published FNV-1a 64 test vectors, so the layout-hash checks rest on a known-good hash.</summary>
    [Theory]
    [InlineData("", 0xCBF29CE484222325UL)]
    [InlineData("a", 0xAF63DC4C8601EC8CUL)]
    [InlineData("foobar", 0x85944171F73967E8UL)]
    public void Test_fnv1a_matches_the_published_vectors(string text, ulong expected) =>
        Assert.Equal(expected, CheckpointReader.Fnv1a64(text));

    /// <summary>The worked example of docs/checkpoints.md: its description text, its hashes and its bytes.</summary>
    [Fact]
    public void Worked_example_of_the_document()
    {
        Assert.Equal(
            "WeightDecay.Edge checkpoint layout 1\ntensor W 3x2 decay=1 trainable=1\ntensor B 2 decay=0 trainable=1\noptimizer SgdOptimizer state=1\n",
            CheckpointReader.Description(CheckpointLayouts.Example.DescriptionLines, "SgdOptimizer", 1));
        Assert.Equal(132, Encoding.UTF8.GetByteCount(CheckpointReader.Description(CheckpointLayouts.Example.DescriptionLines, "SgdOptimizer", 1)));

        // The document's table of hashes and lengths, against the test's FNV-1a and the generated members.
        var head = new CheckpointExampleHead();
        var sgd = new CheckpointExampleHead.SgdOptimizer(head);
        var adam = new CheckpointExampleHead.AdamOptimizer(head);
        var adamW = new CheckpointExampleHead.AdamWOptimizer(head);
        (string Name, ulong Without, ulong With, int BytesWithout, int BytesWith, Func<ulong> Hash, Func<int> Bytes, int Max, Action TurnOn)[] table =
        [
            ("SgdOptimizer", 0xCB48634BF07955A0UL, 0xCB4BCD4BF07C3F95UL, 116, 148, () => sgd.CheckpointLayoutHash, () => sgd.CheckpointBytes, CheckpointExampleHead.SgdOptimizer.MaxCheckpointBytes, () => sgd.Momentum = 0.9f),
            ("AdamOptimizer", 0xF8574EF453FD93B7UL, 0xF853ECF453FAB75AUL, 184, 216, () => adam.CheckpointLayoutHash, () => adam.CheckpointBytes, CheckpointExampleHead.AdamOptimizer.MaxCheckpointBytes, () => adam.Amsgrad = true),
            ("AdamWOptimizer", 0x79DAA743E3E1931EUL, 0x79DE0943E3E46F7BUL, 184, 216, () => adamW.CheckpointLayoutHash, () => adamW.CheckpointBytes, CheckpointExampleHead.AdamWOptimizer.MaxCheckpointBytes, () => adamW.Amsgrad = true),
        ];
        foreach (var row in table)
        {
            Assert.Equal(row.Without, CheckpointReader.LayoutHash(CheckpointLayouts.Example, row.Name, 0));
            Assert.Equal(row.With, CheckpointReader.LayoutHash(CheckpointLayouts.Example, row.Name, 1));
            Assert.Equal(row.Without, row.Hash());
            Assert.Equal(row.BytesWithout, row.Bytes());
            Assert.Equal(row.BytesWith, row.Max);
            row.TurnOn();
            Assert.Equal(row.With, row.Hash());
            Assert.Equal(row.BytesWith, row.Bytes());
        }

        CheckpointExampleHead.SgdOptimizer optimizer = ExampleAfterOneStep();

        var bytes = new byte[optimizer.CheckpointBytes];
        optimizer.SaveCheckpoint(bytes, 0);
        Assert.Equal(ExampleHex, Convert.ToHexString(bytes));

        DecodedCheckpoint c = CheckpointReader.Decode(bytes);
        Assert.Equal(148, c.Length);
        Assert.Equal(1L, c.StepCount);
        Assert.Equal(4u, c.Options);
        Assert.Equal([0.95f, 1.95f, 2.95f, 3.95f, 4.95f, 5.95f, 0.45f, -0.55f], c.Parameters);
        Assert.All(c.StateNamed("momentum_buffer"), b => Assert.Equal(0.5f, b));
    }

    /// <summary>
    /// The sealed worked example (docs/checkpoints.md, "Worked example, sealed"): the same state saved with the
    /// key 00 01 ... 1F and sequence number 7 is these 180 bytes, which sealed_worked_example.py (next to this
    /// file) computed from the format's text with Python's hmac, hashlib and zlib; and it loads under that key.
    /// </summary>
    [Fact]
    public void Sealed_worked_example_of_the_document()
    {
        CheckpointExampleHead.SgdOptimizer optimizer = ExampleAfterOneStep();
        byte[] keyBytes = new byte[32];
        for (int i = 0; i < keyBytes.Length; i++)
        {
            keyBytes[i] = (byte)i;
        }

        var key = new CheckpointKey(keyBytes);
        var bytes = new byte[CheckpointExampleHead.SgdOptimizer.MaxSealedCheckpointBytes];
        int written = optimizer.SaveCheckpoint(bytes, 0, key, 7);

        Assert.Equal(180, written);
        Assert.Equal(SealedExampleHex, Convert.ToHexString(bytes, 0, written));

        var fresh = new CheckpointExampleHead.SgdOptimizer(new CheckpointExampleHead()) { Momentum = 0.9f };
        fresh.LoadCheckpoint(bytes, 0, written, key, 7);
        Assert.Equal([0.95f, 1.95f, 2.95f, 3.95f, 4.95f, 5.95f, 0.45f, -0.55f], fresh.Model.Parameters);
    }

    /// <summary>The document's example: SGD (lr 0.1, momentum 0.9), W = 1..6, B = 0.5, -0.5, every gradient 0.5, one step.</summary>
    private static CheckpointExampleHead.SgdOptimizer ExampleAfterOneStep()
    {
        var model = new CheckpointExampleHead();
        var optimizer = new CheckpointExampleHead.SgdOptimizer(model) { LearningRate = 0.1f, Momentum = 0.9f };
        float[] start = [1f, 2f, 3f, 4f, 5f, 6f, 0.5f, -0.5f];
        start.CopyTo(model.Parameters, 0);
        Array.Fill(model.Gradients, 0.5f);
        optimizer.Step();
        return optimizer;
    }

    /// <summary>The 180 bytes shown in docs/checkpoints.md, "Worked example, sealed" (output of sealed_worked_example.py).</summary>
    private const string SealedExampleHex =
        "5744454302000101953F7CF04BCD4BCB0700000000000000B4000000080000000800000063426C7A"
        + "0100000000000000000000000000000004000000CDCCCC3D6666663F000000000000000000000000"
        + "3333733F9A99F93FCDCC3C40CDCC7C4066669E406666BE406666E63ECDCC0CBF"
        + "0000003F0000003F0000003F0000003F0000003F0000003F0000003F0000003F"
        + "7EAC830FBEA68256A4B9E274DA55C6ECE84AD4D8E7CE4E1D7BD98CB8E0E26BF7"
        + "C2CA964D";

    /// <summary>The 148 bytes shown in docs/checkpoints.md, "Worked example".</summary>
    private const string ExampleHex =
        "5744454301000101953F7CF04BCD4BCB0000000000000000940000000800000008000000B737064A"
        + "0100000000000000000000000000000004000000CDCCCC3D6666663F000000000000000000000000"
        + "3333733F9A99F93FCDCC3C40CDCC7C4066669E406666BE406666E63ECDCC0CBF"
        + "0000003F0000003F0000003F0000003F0000003F0000003F0000003F0000003F"
        + "373AAC70";
}

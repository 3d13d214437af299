using System;
using WeightDecay.Edge.Generated;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>
/// The opt-in <c>FlushSubnormals</c>: off by default and then without effect; on, trainable parameters below
/// float.MinNormal in magnitude become +0 after the update and nothing else changes. The expected values are
/// written out from the definition (2^-126), never read from the code under test.
/// </summary>
public sealed class FlushSubnormalsTests
{
    private const float MinNormal = 1.17549435E-38f; // 2^-126
    private static readonly float s_largestSubnormal = BitConverter.Int32BitsToSingle(0x007FFFFF);
    private static readonly float s_smallestSubnormal = BitConverter.Int32BitsToSingle(1);

    // (a parameter's value, the value the flush makes of it)
    private static readonly (float Before, float Flushed)[] s_cases =
    {
        (s_smallestSubnormal, 0f),
        (-s_smallestSubnormal, 0f),
        (s_largestSubnormal, 0f),
        (-s_largestSubnormal, 0f),
        (1e-39f, 0f),
        (-0f, 0f),
        (MinNormal, MinNormal),
        (-MinNormal, -MinNormal),
        (2.5e-38f, 2.5e-38f),
        (1f, 1f),
        (-3e5f, -3e5f),
        (float.NaN, float.NaN),
        (float.PositiveInfinity, float.PositiveInfinity),
    };

    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void IsOffByDefault(string name)
    {
        dynamic optimizer = TrainingLoopHarness.NewOptimizer(new FrozenLayout(), name);
        Assert.False((bool)optimizer.FlushSubnormals);
    }

    [Fact]
    public void OffSubnormalWeightsDecayAsInTorch()
    {
        // torch.optim.AdamW with a zero gradient: p.mul_(1 - lr·wd) (float32 multiply by the rounded factor), then
        // exp_avg = exp_avg_sq = 0 and the step adds -step_size·0/eps = 0. A subnormal stays a (smaller) subnormal.
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.AdamWOptimizer(model) { LearningRate = 0.5f, WeightDecay = 0.5f };
        model.Parameters[FrozenLayout.WOffset] = 1e-39f;
        optimizer.Step();
        float expected = 1e-39f * (float)(1.0 - (0.5 * 0.5));
        Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(model.Parameters[FrozenLayout.WOffset]));
        Assert.NotEqual(0f, expected);
    }

    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void OnSubnormalsBecomeZeroAndTheRestIsUntouched(string name)
    {
        // Zero gradients and no decay: the update leaves every parameter as it is, so the flush alone acts.
        var model = new FrozenLayout();
        dynamic optimizer = TrainingLoopHarness.NewOptimizer(model, name);
        optimizer.WeightDecay = 0f;
        optimizer.FlushSubnormals = true;
        for (int i = 0; i < FrozenLayout.ParameterCount; i++)
        {
            model.Parameters[i] = s_cases[i % s_cases.Length].Before;
        }

        optimizer.Step();
        for (int i = 0; i < FrozenLayout.ParameterCount; i++)
        {
            (float before, float flushed) = s_cases[i % s_cases.Length];
            if (!float.IsFinite(before))
            {
                // Coupled decay meets 0·∞ = NaN (as torch's add(p, alpha=0)): the flush must only leave it non-finite.
                Assert.False(float.IsFinite(model.Parameters[i]), $"{name}, parameter {i}");
                continue;
            }

            float expected = TrainingLoopHarness.FrozenLayoutTrainable[i] ? flushed : before;
            Assert.True(
                BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(model.Parameters[i]),
                $"{name}, parameter {i}: {before:R} became {model.Parameters[i]:R}, expected {expected:R}");
        }
    }

    [Fact]
    public void OnAStepThatDecaysBelowMinNormalEndsAtZeroAndOtherwiseMatchesTheStepWithout()
    {
        var random = new Random(17);
        var with = new FrozenLayout();
        var without = new FrozenLayout();
        TrainingLoopHarness.Fill(with.Parameters, random);
        TrainingLoopHarness.Fill(with.Gradients, random);
        with.Parameters[FrozenLayout.WOffset] = MinNormal; // decays below it: AdamW's factor is below 1
        with.Gradients[FrozenLayout.WOffset] = 0f;
        with.Parameters.CopyTo(without.Parameters, 0);
        with.Gradients.CopyTo(without.Gradients, 0);
        var flushing = new FrozenLayout.AdamWOptimizer(with) { FlushSubnormals = true, WeightDecay = 0.1f };
        var plain = new FrozenLayout.AdamWOptimizer(without) { WeightDecay = 0.1f };
        for (int step = 0; step < 3; step++)
        {
            flushing.Step();
            plain.Step();
        }

        Assert.True(Math.Abs(without.Parameters[FrozenLayout.WOffset]) < MinNormal);
        Assert.NotEqual(0f, without.Parameters[FrozenLayout.WOffset]);
        Assert.Equal(0, BitConverter.SingleToInt32Bits(with.Parameters[FrozenLayout.WOffset]));
        for (int i = 0; i < FrozenLayout.ParameterCount; i++)
        {
            if (i != FrozenLayout.WOffset)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(without.Parameters[i]), BitConverter.SingleToInt32Bits(with.Parameters[i]));
            }
        }
    }

    [Fact]
    public void SkippedStepsFlushNothing()
    {
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.AdamOptimizer(model) { FlushSubnormals = true, SkipNonFiniteSteps = true };
        model.Parameters[FrozenLayout.KOffset] = 1e-40f;
        model.Gradients[FrozenLayout.WOffset] = float.NaN;
        optimizer.Step();
        Assert.Equal(1, optimizer.SkippedStepCount);
        Assert.Equal(1e-40f, model.Parameters[FrozenLayout.KOffset]);
    }

    [Fact]
    public void TheCheckpointKeepsTheOptionInBit32AndOnlyWhenOn()
    {
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.SgdOptimizer(model);
        var off = new byte[optimizer.CheckpointBytes];
        optimizer.SaveCheckpoint(off, 0);
        optimizer.FlushSubnormals = true;
        var on = new byte[optimizer.CheckpointBytes];
        optimizer.SaveCheckpoint(on, 0);

        const int OptionWord = 56; // docs/checkpoints.md: the option word, uint32 little-endian
        Assert.Equal(0, BitConverter.ToInt32(off, OptionWord) & 32);
        Assert.Equal(32, BitConverter.ToInt32(on, OptionWord) & 32);
        var loaded = new FrozenLayout.SgdOptimizer(new FrozenLayout());
        loaded.LoadCheckpoint(on, 0, on.Length);
        Assert.True(loaded.FlushSubnormals);
        loaded.LoadCheckpoint(off, 0, off.Length);
        Assert.False(loaded.FlushSubnormals);
    }

    [Fact]
    public void TheDesktopFlushMatchesTheDefinitionOnEveryOffsetAndLength()
    {
        var values = new float[97];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = s_cases[(i * 7) % s_cases.Length].Before;
        }

        for (int start = 0; start < 12; start++)
        {
            for (int end = start; end <= values.Length; end++)
            {
                float[] actual = (float[])values.Clone();
                Subnormals.Flush(actual, start, end);
                for (int i = 0; i < values.Length; i++)
                {
                    float expected = i >= start && i < end ? s_cases[(i * 7) % s_cases.Length].Flushed : values[i];
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(actual[i]));
                }
            }
        }
    }

    [Fact]
    public void AStepWithTheFlushAllocatesNothing()
    {
        var model = new FrozenLayout();
        var optimizer = new FrozenLayout.AdamWOptimizer(model) { FlushSubnormals = true };
        optimizer.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            optimizer.Step();
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

using System;
using WeightDecay.Edge.Tests.Checkpoints;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>
/// <c>Maximize</c> beyond the torch trajectories (default, changing it between steps, checkpoints, allocation) and
/// the state views' contract (live views, frozen tensors, absent state, argument checks, allocation).
/// </summary>
public class MaximizeAndStateViewTests
{
    private const int Steps = 20;

    [Fact]
    public void Maximize_is_off_by_default_as_in_torch()
    {
        var model = new TorchReferenceLayout();
        Assert.False(new TorchReferenceLayout.SgdOptimizer(model).Maximize);
        Assert.False(new TorchReferenceLayout.AdamOptimizer(model).Maximize);
        Assert.False(new TorchReferenceLayout.AdamWOptimizer(model).Maximize);
    }

    /// <summary>
    /// Without weight decay, maximizing with g is minimizing with -g, bit for bit (negation is exact), and the
    /// flag may change between steps as torch's <c>param_groups[0]["maximize"]</c> may.
    /// </summary>
    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Maximizing_g_is_minimizing_minus_g_step_by_step(OptimizerKind kind)
    {
        var maximizing = new TorchReferenceLayout();
        var negated = new TorchReferenceLayout();
        for (int i = 0; i < maximizing.Parameters.Length; i++)
        {
            maximizing.Parameters[i] = negated.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        (Action Step, Action<bool> SetMaximize) a = Create(kind, maximizing);
        (Action Step, Action<bool> _) b = Create(kind, negated);
        for (int step = 1; step <= Steps; step++)
        {
            bool maximize = step % 3 != 0; // switched off every third step
            a.SetMaximize(maximize);
            TorchReferenceData.SetGradients(maximizing.Gradients, step);
            for (int i = 0; i < negated.Gradients.Length; i++)
            {
                negated.Gradients[i] = maximize ? -maximizing.Gradients[i] : maximizing.Gradients[i];
            }

            float[] gradients = (float[])maximizing.Gradients.Clone();
            a.Step();
            b.Step();
            FloatAssert.BitEqual(negated.Parameters, maximizing.Parameters, $"{kind}, step {step}");
            FloatAssert.BitEqual(gradients, maximizing.Gradients, $"{kind}, gradients after step {step} (Maximize must not change them)");
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Checkpoints_restore_Maximize_and_older_checkpoints_load_as_minimizing(OptimizerKind kind)
    {
        CheckpointSubject source = CheckpointSubject.Create(CheckpointLayouts.Mixed, kind);
        source.Set("Maximize", true);
        source.Run(new CheckpointVariant("maximize", kind, false, 16, []), new Random(3), 5);
        byte[] saved = source.SaveToArray();
        Assert.Equal(16u, CheckpointReader.Decode(saved, 0).Options & 16u);

        CheckpointSubject target = CheckpointSubject.Create(CheckpointLayouts.Mixed, kind);
        target.Load(saved, 0, saved.Length);
        Assert.True((bool)target.Get("Maximize"));

        // A checkpoint from before Maximize existed has bit 16 clear: it loads, and minimizes.
        saved[CheckpointReader.Offsets.Options] &= unchecked((byte)~16);
        CheckpointReader.Reseal(saved);
        target.Load(saved, 0, saved.Length);
        Assert.False((bool)target.Get("Maximize"));
    }

    [Fact]
    public void Views_are_live_and_read_only_views_of_the_packed_state()
    {
        var model = new TorchReferenceLayout();
        var adam = new TorchReferenceLayout.AdamOptimizer(model) { Amsgrad = true };
        Assert.Equal(TorchReferenceLayout.WLength, adam.ExpAvg(0).Length);
        Assert.Equal(TorchReferenceLayout.VLength, adam.ExpAvgSq(3).Length);
        Assert.All(adam.ExpAvg(3).ToArray(), v => Assert.Equal(0f, v)); // zeros before the first step

        ReadOnlySpan<float> before = adam.ExpAvg(3);
        TorchReferenceData.SetGradients(model.Gradients, 1);
        adam.Step();

        // After one step exp_avg = (1 - beta1) * g, in V's own order although F's 6 frozen values come before it.
        float expected = (float)(1 - 0.9) * model.Gradients[TorchReferenceLayout.VOffset + 2];
        FloatAssert.BitEqual(expected, adam.ExpAvg(3)[2], "exp_avg of V[2]");
        FloatAssert.BitEqual(expected, before[2], "a view taken before the step");
        Assert.Equal(TorchReferenceLayout.VLength, adam.MaxExpAvgSq(3).Length);
    }

    [Fact]
    public void Absent_state_is_empty_and_frozen_or_unknown_tensors_throw()
    {
        var model = new TorchReferenceLayout();
        var sgd = new TorchReferenceLayout.SgdOptimizer(model);
        var adamW = new TorchReferenceLayout.AdamWOptimizer(model);
        float[] destination = new float[TorchReferenceLayout.ParameterCount];

        // torch: momentum_buffer is None without momentum and before the first momentum step; no max_exp_avg_sq without AMSGrad.
        Assert.True(sgd.MomentumBuffer(0).IsEmpty);
        sgd.Momentum = 0.9f;
        Assert.True(sgd.MomentumBuffer(0).IsEmpty);
        sgd.Step();
        Assert.Equal(TorchReferenceLayout.WLength, sgd.MomentumBuffer(0).Length);
        Assert.Equal(TorchReferenceLayout.BLength, sgd.CopyMomentumBuffer(1, destination, 0));
        Assert.True(adamW.MaxExpAvgSq(0).IsEmpty);
        Assert.Equal(0, adamW.CopyMaxExpAvgSq(0, destination, 0));

        ArgumentException frozen = Assert.Throws<ArgumentException>("tensorIndex", () => adamW.ExpAvg(2));
        Assert.Contains("Tensor 2 (F) is frozen (Trainable = false): the optimizer keeps no exp_avg for it.", frozen.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>("tensorIndex", () => sgd.CopyMomentumBuffer(2, destination, 0));
        Assert.Throws<ArgumentOutOfRangeException>("tensorIndex", () => adamW.ExpAvgSq(4));
        Assert.Throws<ArgumentOutOfRangeException>("tensorIndex", () => adamW.CopyExpAvg(-1, destination, 0));
        Assert.Throws<ArgumentNullException>("destination", () => adamW.CopyExpAvg(0, null!, 0));
        Assert.Throws<ArgumentException>("destination", () => adamW.CopyExpAvg(0, new float[TorchReferenceLayout.WLength], 1));
        Assert.Throws<ArgumentException>("destination", () => adamW.CopyExpAvg(0, destination, -1));
    }

    [Fact]
    public void Maximizing_steps_and_state_views_allocate_nothing()
    {
        var model = new TorchReferenceLayout();
        var sgd = new TorchReferenceLayout.SgdOptimizer(model) { Momentum = 0.9f, Maximize = true };
        var adam = new TorchReferenceLayout.AdamOptimizer(model) { Amsgrad = true, Maximize = true };
        var adamW = new TorchReferenceLayout.AdamWOptimizer(model) { Maximize = true };
        float[] destination = new float[TorchReferenceLayout.ParameterCount];
        int[] trainable = { 0, 1, 3 };
        float sum = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            // The first pass warms up (JIT, tiering); the second is measured.
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int step = 1; step <= Steps; step++)
            {
                TorchReferenceData.SetGradients(model.Gradients, step);
                sgd.Step();
                adam.Step();
                adamW.Step();
                foreach (int t in trainable)
                {
                    sum += sgd.MomentumBuffer(t)[0] + adam.ExpAvg(t)[0] + adam.ExpAvgSq(t)[0] + adam.MaxExpAvgSq(t)[0] + adamW.ExpAvg(t)[0];
                    sum += sgd.CopyMomentumBuffer(t, destination, 0) + adam.CopyMaxExpAvgSq(t, destination, 0) + adamW.CopyExpAvgSq(t, destination, 0);
                }
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (pass == 1)
            {
                Assert.Equal(0L, allocated);
            }
        }

        Assert.False(float.IsNaN(sum));
    }

    private static (Action Step, Action<bool> SetMaximize) Create(OptimizerKind kind, TorchReferenceLayout model)
    {
        switch (kind)
        {
            case OptimizerKind.Sgd:
                var sgd = new TorchReferenceLayout.SgdOptimizer(model) { LearningRate = 0.05f, Momentum = 0.9f };
                sgd.Nesterov = true;
                return (sgd.Step, value => sgd.Maximize = value);
            case OptimizerKind.Adam:
                var adam = new TorchReferenceLayout.AdamOptimizer(model) { LearningRate = 0.01f, Amsgrad = true };
                return (adam.Step, value => adam.Maximize = value);
            default:
                var adamW = new TorchReferenceLayout.AdamWOptimizer(model) { LearningRate = 0.01f, WeightDecay = 0f };
                return (adamW.Step, value => adamW.Maximize = value);
        }
    }
}

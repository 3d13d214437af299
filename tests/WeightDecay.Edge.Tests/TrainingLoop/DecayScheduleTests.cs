using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.TorchReference;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>
/// <c>DecaySchedule</c>, the weight decay's own schedule (λ_t = WeightDecay · DecaySchedule.Multiplier(StepCount)), apart
/// from the bitwise torch cases in AnchorReferenceTests: it is independent of the learning-rate schedule, a bad multiplier
/// is refused before anything changes, null is refused, and <c>L2Penalty()</c> reports λ_t.
/// </summary>
public class DecayScheduleTests
{
    [Fact]
    public void A_decay_schedule_of_zero_is_no_decay_and_leaves_the_learning_rate_alone()
    {
        var scheduled = new TorchReferenceLayout();
        var undecayed = new TorchReferenceLayout();
        for (int i = 0; i < scheduled.Parameters.Length; i++)
        {
            scheduled.Parameters[i] = undecayed.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        // λ = 0.5 scheduled to 0 from the first step against λ = 0: the same bits (the skip of a zero decay term included).
        var first = new TorchReferenceLayout.AdamWOptimizer(scheduled) { WeightDecay = 0.5f, DecaySchedule = LearningRateSchedule.Lambda(_ => 0.0) };
        var second = new TorchReferenceLayout.AdamWOptimizer(undecayed) { WeightDecay = 0f };
        var sgdFirst = new TorchReferenceLayout.SgdOptimizer(scheduled) { Momentum = 0.9f, WeightDecay = 0.5f, DecaySchedule = LearningRateSchedule.Lambda(_ => 0.0) };
        var sgdSecond = new TorchReferenceLayout.SgdOptimizer(undecayed) { Momentum = 0.9f, WeightDecay = 0f };
        for (int t = 1; t <= 20; t++)
        {
            TorchReferenceData.SetGradients(scheduled.Gradients, t);
            TorchReferenceData.SetGradients(undecayed.Gradients, t);
            (t % 2 == 0 ? (IOptimizer)first : sgdFirst).Step();
            (t % 2 == 0 ? (IOptimizer)second : sgdSecond).Step();
        }

        FloatAssert.BitEqual(undecayed.Parameters, scheduled.Parameters, "a decay scheduled to 0 against no decay");
        Assert.Equal(0.0, first.L2Penalty());
    }

    [Fact]
    public void A_non_finite_or_negative_decay_multiplier_throws_before_anything_changes()
    {
        var model = new TorchReferenceLayout();
        TorchReferenceData.SetGradients(model.Gradients, 1);
        foreach (double bad in new[] { double.NaN, -1.0, double.PositiveInfinity })
        {
            var sgd = new TorchReferenceLayout.SgdOptimizer(model) { Momentum = 0.9f, WeightDecay = 0.1f, DecaySchedule = LearningRateSchedule.Lambda(_ => bad) };
            float[] before = model.Parameters.ToArray();
            InvalidOperationException error = Assert.Throws<InvalidOperationException>(sgd.Step);
            Assert.StartsWith("DecaySchedule.Multiplier(0) returned", error.Message, StringComparison.Ordinal);
            FloatAssert.BitEqual(before, model.Parameters, "parameters after a refused step");
            Assert.Equal(0, sgd.StepCount);
            Assert.True(sgd.MomentumBuffer(0).IsEmpty, "no momentum step was taken");
        }

        var adam = new TorchReferenceLayout.AdamOptimizer(model);
        Assert.Throws<ArgumentNullException>(() => adam.DecaySchedule = null!);
        Assert.Equal(1.0, adam.DecaySchedule.Multiplier(0));
    }

    [Fact]
    public void L2Penalty_uses_the_decay_of_the_next_step()
    {
        var model = new TorchReferenceLayout();
        for (int i = 0; i < model.Parameters.Length; i++)
        {
            model.Parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        var sgd = new TorchReferenceLayout.SgdOptimizer(model) { WeightDecay = 0.2f, DecaySchedule = LearningRateSchedule.Step(1, 0.5f) };
        double full = 0.5 * 0.2 * model.DecayedSquaredNorm();
        Assert.Equal(full, sgd.L2Penalty(), 12);
        model.ZeroGrad();
        sgd.Step();
        Assert.Equal(1, sgd.StepCount);
        Assert.Equal(0.5 * 0.2 * 0.5 * model.DecayedSquaredNorm(), sgd.L2Penalty(), 12); // λ_1 = 0.2 · 0.5
    }
}

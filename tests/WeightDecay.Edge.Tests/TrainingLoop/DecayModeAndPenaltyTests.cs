using System;

namespace WeightDecay.Edge.Tests.TrainingLoop;

/// <summary>AdamW's two decoupled-decay modes, and the L2 penalty for loss reporting.</summary>
public class DecayModeAndPenaltyTests
{
    [Fact]
    public void DecayMode_defaults_to_torch_and_rejects_undefined_values()
    {
        var optimizer = new FrozenLayout.AdamWOptimizer(new FrozenLayout());
        Assert.Equal(DecoupledDecay.LearningRateCoupled, optimizer.DecayMode);
        optimizer.DecayMode = DecoupledDecay.ScheduleCoupled;
        Assert.Equal("DecayMode", Assert.Throws<ArgumentOutOfRangeException>(() => optimizer.DecayMode = (DecoupledDecay)7).ParamName);
        Assert.Equal(DecoupledDecay.ScheduleCoupled, optimizer.DecayMode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void With_zero_gradients_each_mode_multiplies_by_its_factor(bool paper)
    {
        DecoupledDecay mode = paper ? DecoupledDecay.ScheduleCoupled : DecoupledDecay.LearningRateCoupled;
        // g = 0 makes the Adam update exactly zero, leaving only the decay: p_t = p_{t-1} * (float)(1 - rate_t·λ)
        // with rate_t = LearningRate·η_t (torch) or η_t (the paper).
        var model = new TrainableOnlyLayout();
        var optimizer = new TrainableOnlyLayout.AdamWOptimizer(model)
        {
            LearningRate = 0.5f,
            WeightDecay = 0.02f,
            DecayMode = mode,
            Schedule = LearningRateSchedule.WarmupCosine(2, 10, 0.1f),
        };
        model.Parameters[0] = 1.5f;
        model.Parameters[TrainableOnlyLayout.BOffset] = 1.5f; // Not decayed.
        float expected = 1.5f;
        for (long t = 0; t < 12; t++)
        {
            double eta = optimizer.Schedule.Multiplier(t);
            double rate = mode == DecoupledDecay.LearningRateCoupled ? 0.5 * eta : eta;
            expected *= (float)(1.0 - (rate * 0.02));
            optimizer.Step();
            Assert.Equal(expected, model.Parameters[0]);
            Assert.Equal(1.5f, model.Parameters[TrainableOnlyLayout.BOffset]);
        }
    }

    [Fact]
    public void The_two_modes_differ_exactly_by_their_decay_factors_on_the_first_step()
    {
        // Same Adam update in both; only the factor on p differs: p·f_torch − p·f_paper.
        var random = new Random(5);
        var a = new TrainableOnlyLayout();
        var b = new TrainableOnlyLayout();
        TrainingLoopHarness.Fill(a.Parameters, random);
        TrainingLoopHarness.Fill(a.Gradients, random);
        a.CopyParametersTo(b.Parameters);
        a.Gradients.CopyTo(b.Gradients, 0);
        var torch = new TrainableOnlyLayout.AdamWOptimizer(a) { LearningRate = 0.01f, WeightDecay = 0.1f };
        var paper = new TrainableOnlyLayout.AdamWOptimizer(b) { LearningRate = 0.01f, WeightDecay = 0.1f, DecayMode = DecoupledDecay.ScheduleCoupled };
        float[] start = (float[])a.Parameters.Clone();
        torch.Step();
        paper.Step();
        float torchFactor = (float)(1.0 - (0.01 * 0.1));
        float paperFactor = (float)(1.0 - 0.1);
        for (int i = 0; i < TrainableOnlyLayout.ParameterCount; i++)
        {
            bool decayed = i < TrainableOnlyLayout.BOffset || i >= TrainableOnlyLayout.KOffset;
            double expected = decayed ? ((double)start[i] * torchFactor) - ((double)start[i] * paperFactor) : 0;
            Assert.True(Math.Abs((a.Parameters[i] - (double)b.Parameters[i]) - expected) <= 2e-7, $"[{i}]");
        }
    }

    [Fact]
    public void DecayedSquaredNorm_sums_decayed_trainable_weights_in_double()
    {
        var model = new FrozenLayout();
        TrainingLoopHarness.Fill(model.Parameters, new Random(9), 3);
        double expected = 0;
        for (int i = 0; i < FrozenLayout.ParameterCount; i++)
        {
            bool included = TrainingLoopHarness.FrozenLayoutTrainable[i] && TrainingLoopHarness.FrozenLayoutDecay[i];
            expected += included ? (double)model.Parameters[i] * model.Parameters[i] : 0;
        }

        Assert.Equal(expected, model.DecayedSquaredNorm(), 1e-12);
    }

    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void L2Penalty_is_half_lambda_times_the_squared_norm(string name)
    {
        var model = new FrozenLayout();
        TrainingLoopHarness.Fill(model.Parameters, new Random(10));
        dynamic optimizer = TrainingLoopHarness.NewOptimizer(model, name);
        optimizer.WeightDecay = 0.3f;
        Assert.Equal(0.5 * 0.3 * model.DecayedSquaredNorm(), (double)optimizer.L2Penalty(), 1e-15);
        optimizer.WeightDecay = 0f;
        Assert.Equal(0.0, (double)optimizer.L2Penalty());
    }

    [Fact]
    public void The_penalty_gradient_is_the_coupled_decay_term()
    {
        // torch's convention: d/dw (λ/2)Σw² = λw, which is what SGD adds to the gradient.
        var model = new TrainableOnlyLayout();
        var optimizer = new TrainableOnlyLayout.SgdOptimizer(model) { WeightDecay = 0.25f };
        model.Parameters[3] = 2f;
        double before = optimizer.L2Penalty();
        model.Parameters[3] = 2f + 1e-3f;
        double slope = (optimizer.L2Penalty() - before) / (model.Parameters[3] - 2.0);
        Assert.Equal(0.25 * 2.0, slope, 1e-3);
    }
}

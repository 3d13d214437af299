using System;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests;

/// <summary>What every generated optimizer promises apart from its update rule: torch's defaults,
/// the model it is bound to, StepCount, ZeroGrad, and that Step reads but never writes Gradients.</summary>
public class OptimizerContractTests
{
    [Fact]
    public void Sgd_defaults_are_torchs()
    {
        var optimizer = new MixedLayout.SgdOptimizer(new MixedLayout());
        Assert.Equal(1e-3f, optimizer.LearningRate);
        Assert.Equal(0f, optimizer.Momentum);
        Assert.Equal(0f, optimizer.Dampening);
        Assert.False(optimizer.Nesterov);
        Assert.Equal(0f, optimizer.WeightDecay);
        Assert.Equal(0, optimizer.StepCount);
    }

    [Fact]
    public void Adam_defaults_are_torchs()
    {
        var optimizer = new MixedLayout.AdamOptimizer(new MixedLayout());
        Assert.Equal(1e-3f, optimizer.LearningRate);
        Assert.Equal(0.9f, optimizer.Beta1);
        Assert.Equal(0.999f, optimizer.Beta2);
        Assert.Equal(1e-8f, optimizer.Epsilon);
        Assert.Equal(0f, optimizer.WeightDecay);
        Assert.False(optimizer.Amsgrad);
        Assert.Equal(0, optimizer.StepCount);
    }

    [Fact]
    public void AdamW_defaults_are_torchs()
    {
        var optimizer = new MixedLayout.AdamWOptimizer(new MixedLayout());
        Assert.Equal(1e-3f, optimizer.LearningRate);
        Assert.Equal(0.9f, optimizer.Beta1);
        Assert.Equal(0.999f, optimizer.Beta2);
        Assert.Equal(1e-8f, optimizer.Epsilon);
        Assert.Equal(1e-2f, optimizer.WeightDecay);
        Assert.False(optimizer.Amsgrad);
        Assert.Equal(0, optimizer.StepCount);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Default_settings_follow_the_reference(OptimizerKind kind)
    {
        // The defaults must act as the decimals torch uses (0.9, 0.999, 1e-8), not just read back as them.
        double defaultDecay = kind == OptimizerKind.AdamW ? 0.01 : 0;
        var options = new AdamOptions(1e-3, 0.9, 0.999, 1e-8, defaultDecay, false);
        Trajectory.AssertMatches(
            LayoutCatalog.Mixed,
            kind,
            _ => { },
            (initial, decay) => kind == OptimizerKind.Adam
                ? new Reference.ReferenceAdam(initial, decay, options)
                : new Reference.ReferenceAdamW(initial, decay, options),
            GradientMode.Random,
            seed: 81);
    }

    [Fact]
    public void Model_is_the_layout_passed_to_the_constructor()
    {
        var model = new MixedLayout();
        Assert.Same(model, new MixedLayout.SgdOptimizer(model).Model);
        Assert.Same(model, new MixedLayout.AdamOptimizer(model).Model);
        Assert.Same(model, new MixedLayout.AdamWOptimizer(model).Model);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Optimizers_are_usable_through_the_runtime_interfaces(OptimizerKind kind)
    {
        foreach (LayoutCase layout in LayoutCatalog.All)
        {
            IModelLayout model = layout.NewModel();
            IOptimizer optimizer = layout.NewOptimizer(model, kind);
            Assert.IsAssignableFrom<IOptimizer>(optimizer);
            optimizer.LearningRate = 0.25f;
            optimizer.WeightDecay = 0.125f;
            Assert.Equal(0.25f, optimizer.LearningRate);
            Assert.Equal(0.125f, optimizer.WeightDecay);
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void StepCount_counts_steps_and_Step_never_writes_Gradients(OptimizerKind kind)
    {
        LayoutCase layout = LayoutCatalog.Mixed;
        IModelLayout model = layout.NewModel();
        IOptimizer optimizer = layout.NewOptimizer(model, kind);
        optimizer.WeightDecay = 0.1f; // torch adds the L2 term out of place: p.grad is not modified.
        if (kind == OptimizerKind.Sgd)
        {
            OptimizerProperties.Set(optimizer, "Momentum", 0.9f);
        }

        Array.Copy(GradientSource.InitialParameters(layout.ParameterCount, 91), model.Parameters, layout.ParameterCount);
        var random = new Random(92);
        for (int step = 1; step <= 7; step++)
        {
            GradientSource.FillRandom(model.Gradients, random);
            float[] gradients = (float[])model.Gradients.Clone();
            float[] parameters = (float[])model.Parameters.Clone();
            optimizer.Step();
            Assert.Equal(step, optimizer.StepCount);
            FloatAssert.BitEqual(gradients, model.Gradients, $"Gradients after step {step}");
            Assert.NotEqual(parameters, model.Parameters);
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Zero_learning_rate_leaves_parameters_unchanged(OptimizerKind kind)
    {
        LayoutCase layout = LayoutCatalog.NoDecayEnds;
        IModelLayout model = layout.NewModel();
        IOptimizer optimizer = layout.NewOptimizer(model, kind);
        optimizer.LearningRate = 0f;
        optimizer.WeightDecay = 0.1f;
        float[] initial = GradientSource.InitialParameters(layout.ParameterCount, 93);
        Array.Copy(initial, model.Parameters, initial.Length);
        var random = new Random(94);
        for (int step = 0; step < 10; step++)
        {
            GradientSource.FillRandom(model.Gradients, random);
            optimizer.Step();
        }

        FloatAssert.BitEqual(initial, model.Parameters, "Parameters with lr = 0");
        Assert.Equal(10, optimizer.StepCount);
    }

    [Fact]
    public void Two_optimizers_on_two_layouts_do_not_share_state()
    {
        // Optimizer state lives in the instance: a second optimizer must not see the first one's moments.
        LayoutCase layout = LayoutCatalog.Mixed;
        IModelLayout first = layout.NewModel();
        IModelLayout second = layout.NewModel();
        IOptimizer firstOptimizer = layout.NewOptimizer(first, OptimizerKind.Adam);
        IOptimizer secondOptimizer = layout.NewOptimizer(second, OptimizerKind.Adam);
        var random = new Random(95);
        for (int step = 0; step < 5; step++)
        {
            GradientSource.FillRandom(first.Gradients, random);
            firstOptimizer.Step();
        }

        // The second optimizer's first step from zero parameters with gradient g moves each by -lr * sign(g) (m/sqrt(v) = ±1).
        Array.Fill(second.Gradients, 0.5f);
        secondOptimizer.Step();
        Assert.All(second.Parameters, value => Assert.Equal(-1e-3, value, 1e-9));
    }

    /// <summary>
    /// <c>MixedLayout.Optimizer</c>, the base of the layout's three optimizers, as torch.optim.Optimizer: the same steps and
    /// checkpoints through it as through each optimizer's own type, bit for bit.
    /// </summary>
    [Fact]
    public void Each_optimizer_steps_and_checkpoints_the_same_through_the_layouts_Optimizer_base()
    {
        Func<MixedLayout, MixedLayout.Optimizer>[] makers =
        {
            model => new MixedLayout.SgdOptimizer(model) { Momentum = 0.9f, WeightDecay = 0.01f },
            model => new MixedLayout.AdamOptimizer(model) { WeightDecay = 0.01f },
            model => new MixedLayout.AdamWOptimizer(model),
        };
        foreach (Func<MixedLayout, MixedLayout.Optimizer> make in makers)
        {
            var viaBase = new MixedLayout();
            var viaOwnType = new MixedLayout();
            MixedLayout.Optimizer common = make(viaBase);
            MixedLayout.Optimizer other = make(viaOwnType);
            common.LearningRate = 0.05f;
            common.MaxGradientNorm = 1f;
            other.LearningRate = 0.05f;
            other.MaxGradientNorm = 1f;
            Assert.Same(viaBase, common.Model);
            var random = new Random(7);
            for (int step = 0; step < 5; step++)
            {
                GradientSource.FillRandom(viaBase.Gradients, random);
                Array.Copy(viaBase.Gradients, viaOwnType.Gradients, MixedLayout.ParameterCount);
                common.Step();
                switch (other)
                {
                    case MixedLayout.SgdOptimizer sgd: sgd.Step(); break;
                    case MixedLayout.AdamOptimizer adam: adam.Step(); break;
                    case MixedLayout.AdamWOptimizer adamW: adamW.Step(); break;
                }
            }

            Assert.Equal(5, common.StepCount);
            Assert.Equal(viaOwnType.Parameters, viaBase.Parameters);
            byte[] checkpoint = new byte[common.CheckpointBytes];
            Assert.Equal(checkpoint.Length, common.SaveCheckpoint(checkpoint, 0));
            var restored = new MixedLayout();
            MixedLayout.Optimizer loaded = make(restored);
            loaded.LoadCheckpoint(checkpoint, 0, checkpoint.Length);
            Assert.Equal(viaBase.Parameters, restored.Parameters);
            Assert.Equal(5, loaded.StepCount);
            Assert.Equal(0.05f, loaded.LearningRate);
        }
    }

    /// <summary>
    /// The base class holds the weight decay the penalty reads; each optimizer starts it at its own torch default (AdamW 0.01,
    /// the others 0), which L2Penalty = (λ/2)·Σw² over the decayed tensors (W and K of MixedLayout) shows.
    /// </summary>
    [Fact]
    public void The_base_class_starts_with_each_optimizers_default_weight_decay()
    {
        var model = new MixedLayout();
        for (int i = 0; i < MixedLayout.ParameterCount; i++)
        {
            model.Parameters[i] = 0.25f + (i * 0.01f);
        }

        double decayedSquares = 0.0;
        foreach ((int offset, int length) in new[] { (MixedLayout.WOffset, MixedLayout.WLength), (MixedLayout.KOffset, MixedLayout.KLength) })
        {
            for (int i = offset; i < offset + length; i++)
            {
                decayedSquares += (double)model.Parameters[i] * model.Parameters[i];
            }
        }

        Assert.Equal(0.5 * 0.01 * decayedSquares, new MixedLayout.AdamWOptimizer(model).L2Penalty(), 12);
        Assert.Equal(0.0, new MixedLayout.AdamOptimizer(model).L2Penalty());
        Assert.Equal(0.0, new MixedLayout.SgdOptimizer(model).L2Penalty());
    }
}

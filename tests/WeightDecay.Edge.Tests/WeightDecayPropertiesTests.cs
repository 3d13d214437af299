using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;
using Xunit.Abstractions;

namespace WeightDecay.Edge.Tests;

/// <summary>The properties of weight decay that the tutorial teaches, checked on the generated optimizers.</summary>
public class WeightDecayPropertiesTests
{
    private readonly ITestOutputHelper _output;

    public WeightDecayPropertiesTests(ITestOutputHelper output) => _output = output;

    /// <summary>layout, lr, wd (decimals), amsgrad.</summary>
    public static TheoryData<string, double, double, bool> AdamWZeroGradientCases()
    {
        var cases = new TheoryData<string, double, double, bool>();
        foreach (string layout in OptionGrid.LayoutNames)
        {
            // (0.1, 0.3) and (0.3, 0.3) are pairs where the factor computed from the float values
            // differs from the one computed from the decimals: see Decimal_and_float_factors_differ_for_the_chosen_pairs.
            foreach (var (lr, wd) in new[] { (1e-3, 1e-2), (1e-2, 0.1), (0.1, 0.3), (0.3, 0.3) })
            {
                foreach (bool amsgrad in OptionGrid.AmsgradValues)
                {
                    cases.Add(layout, lr, wd, amsgrad);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(AdamWZeroGradientCases))]
    public void AdamW_with_zero_gradient_multiplies_decayed_weights_by_exactly_one_minus_lr_wd(string layoutName, double learningRate, double weightDecay, bool amsgrad)
    {
        LayoutCase layout = LayoutCatalog.Get(layoutName);
        IModelLayout model = layout.NewModel();
        IOptimizer optimizer = layout.NewOptimizer(model, OptimizerKind.AdamW);
        OptimizerProperties.Apply(optimizer, new AdamOptions(learningRate, 0.9, 0.999, 1e-8, weightDecay, amsgrad));
        float[] initial = GradientSource.InitialParameters(layout.ParameterCount, 21);
        Array.Copy(initial, model.Parameters, initial.Length);
        bool[] decay = layout.DecayMask();

        // torch: p.mul_(1 - lr * weight_decay), the factor computed in double from the Python floats.
        float factor = (float)(1.0 - (learningRate * weightDecay));
        float[] expected = (float[])initial.Clone();
        for (int step = 1; step <= 50; step++)
        {
            optimizer.Step();
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = decay[i] ? expected[i] * factor : expected[i];
                FloatAssert.BitEqual(expected[i], model.Parameters[i], $"step {step}, {layout.Describe(i)}");
            }
        }

        Assert.All(model.Gradients, gradient => Assert.Equal(0f, gradient));
    }

    [Fact]
    public void Decimal_and_float_factors_differ_for_the_chosen_pairs()
    {
        // Shows that the AdamW test above can tell the decimal computation from a float one.
        foreach (var (lr, wd) in new[] { (0.1, 0.3), (0.3, 0.3) })
        {
            float fromDecimals = (float)(1.0 - (lr * wd));
            float fromFloats = (float)(1.0 - ((double)(float)lr * (float)wd));
            Assert.NotEqual(fromDecimals, fromFloats);
        }
    }

    [Theory]
    [InlineData(nameof(MixedLayout), 0.1, 0.1)]
    [InlineData(nameof(NoDecayEndsLayout), 0.01, 0.5)]
    [InlineData(nameof(AllDecayLayout), 0.3, 0.3)]
    [InlineData(nameof(TinyLayout), 0.05, 0.01)]
    public void Sgd_with_zero_gradient_shrinks_decayed_weights_by_one_minus_lr_wd(string layoutName, double learningRate, double weightDecay)
    {
        LayoutCase layout = LayoutCatalog.Get(layoutName);
        IModelLayout model = layout.NewModel();
        IOptimizer optimizer = layout.NewOptimizer(model, OptimizerKind.Sgd);
        OptimizerProperties.Apply(optimizer, new SgdOptions(learningRate, 0, 0, false, weightDecay));
        float[] initial = GradientSource.InitialParameters(layout.ParameterCount, 22);
        Array.Copy(initial, model.Parameters, initial.Length);
        bool[] decay = layout.DecayMask();
        double factor = 1 - (learningRate * weightDecay);

        float[] previous = (float[])initial.Clone();
        for (int step = 1; step <= 100; step++)
        {
            optimizer.Step();
            for (int i = 0; i < previous.Length; i++)
            {
                float actual = model.Parameters[i];
                if (decay[i])
                {
                    // Within float rounding of one step: p - lr * (wd * p) takes at most two roundings.
                    double expected = previous[i] * factor;
                    Assert.True(
                        Math.Abs(actual - expected) <= 2.5e-7 * Math.Abs(previous[i]),
                        $"step {step}, {layout.Describe(i)}: {actual:R} vs {expected:R}");
                    Assert.True(
                        Math.Abs(actual - (initial[i] * Math.Pow(factor, step))) <= 1e-5 * Math.Abs(initial[i]),
                        $"step {step}, {layout.Describe(i)}: {actual:R} has drifted from (1 - lr*wd)^t p0");
                }
                else
                {
                    FloatAssert.BitEqual(previous[i], actual, $"step {step}, {layout.Describe(i)}");
                }
            }

            model.Parameters.CopyTo(previous, 0);
        }
    }

    /// <summary>
    /// The experiment: weights W see a long history of large gradients (|g| about 10), weights V a
    /// history of small ones (|g| about 0.01); weight decay is then switched on and the data gradient
    /// set to zero. The decay a weight receives is measured against a control twin that took the same
    /// steps with weight decay still off.
    /// AdamW shrinks both groups by the same (1 - lr wd) per step. Adam's L2 term passes through the
    /// per-parameter scaling 1/sqrt(v), which the large history keeps big: the loud weights are decayed
    /// far less than by AdamW, and far less than Adam decays the quiet ones.
    /// </summary>
    [Fact]
    public void Adam_with_L2_decays_a_weight_with_a_large_gradient_history_less_than_AdamW()
    {
        const int historySteps = 100;
        const int decaySteps = 50;
        const double lr = 1e-3;
        const double wd = 0.1;
        ExpectedTensor loud = LayoutCatalog.AllDecay.Tensors.Single(t => t.Name == "W");
        ExpectedTensor quiet = LayoutCatalog.AllDecay.Tensors.Single(t => t.Name == "V");

        (float[] adam, float[] adamControl) = Run(OptimizerKind.Adam);
        (float[] adamW, float[] adamWControl) = Run(OptimizerKind.AdamW);

        double adamLoud = MeanRelativeShrink(adam, adamControl, loud);
        double adamQuiet = MeanRelativeShrink(adam, adamControl, quiet);
        double adamWLoud = MeanRelativeShrink(adamW, adamWControl, loud);
        double adamWQuiet = MeanRelativeShrink(adamW, adamWControl, quiet);
        double decoupled = 1 - Math.Pow(1 - (lr * wd), decaySteps);
        string report = $"relative shrink: Adam loud {adamLoud:E3}, Adam quiet {adamQuiet:E3}, AdamW loud {adamWLoud:E3}, AdamW quiet {adamWQuiet:E3}, (1 - lr wd)^t gives {decoupled:E3}";
        _output.WriteLine(report);

        // AdamW: the same relative decay whatever the history, as (1 - lr wd)^t predicts.
        Assert.True(Math.Abs(adamWLoud - decoupled) <= 0.02 * decoupled, report);
        Assert.True(Math.Abs(adamWQuiet - decoupled) <= 0.02 * decoupled, report);

        // Adam with L2: the loud weights barely decay, much less than under AdamW...
        Assert.True(adamLoud > 0, report);
        Assert.True(adamLoud < 0.5 * adamWLoud, report);

        // ...while the quiet ones decay much more: the decay is uneven across weights.
        Assert.True(adamQuiet > 5 * adamLoud, report);

        (float[] Decayed, float[] Control) Run(OptimizerKind kind)
        {
            LayoutCase layout = LayoutCatalog.AllDecay;
            IModelLayout model = layout.NewModel();
            IModelLayout controlModel = layout.NewModel();
            IOptimizer optimizer = layout.NewOptimizer(model, kind);
            IOptimizer control = layout.NewOptimizer(controlModel, kind);
            foreach (IOptimizer each in new[] { optimizer, control })
            {
                OptimizerProperties.Apply(each, new AdamOptions(lr, 0.9, 0.999, 1e-8, 0, false));
            }

            Array.Fill(model.Parameters, 1f);
            Array.Fill(controlModel.Parameters, 1f);
            var random = new Random(31);
            for (int step = 0; step < historySteps; step++)
            {
                for (int i = 0; i < layout.ParameterCount; i++)
                {
                    double sign = random.Next(2) == 0 ? -1 : 1;
                    double magnitude = 0.8 + (0.4 * random.NextDouble());
                    model.Gradients[i] = i >= loud.Offset && i < loud.Offset + loud.Length ? (float)(10 * sign * magnitude)
                        : i >= quiet.Offset && i < quiet.Offset + quiet.Length ? (float)(0.01 * sign * magnitude)
                        : 0f;
                }

                Array.Copy(model.Gradients, controlModel.Gradients, layout.ParameterCount);
                optimizer.Step();
                control.Step();
            }

            optimizer.WeightDecay = (float)wd;
            model.ZeroGrad();
            controlModel.ZeroGrad();
            for (int step = 0; step < decaySteps; step++)
            {
                optimizer.Step();
                control.Step();
            }

            return (model.Parameters, controlModel.Parameters);
        }

        static double MeanRelativeShrink(float[] decayed, float[] control, ExpectedTensor tensor)
        {
            double sum = 0;
            for (int i = tensor.Offset; i < tensor.Offset + tensor.Length; i++)
            {
                sum += (control[i] - decayed[i]) / control[i];
            }

            return sum / tensor.Length;
        }
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Not_decayed_tensors_take_the_same_steps_whatever_the_weight_decay(OptimizerKind kind)
    {
        LayoutCase layout = LayoutCatalog.Mixed;
        float[] without = RunWith(0f);
        float[] with = RunWith(0.3f);
        bool[] decay = layout.DecayMask();
        for (int i = 0; i < layout.ParameterCount; i++)
        {
            if (decay[i])
            {
                Assert.True(without[i] != with[i], $"{layout.Describe(i)} ignored weight decay.");
            }
            else
            {
                FloatAssert.BitEqual(without[i], with[i], layout.Describe(i));
            }
        }

        float[] RunWith(float weightDecay)
        {
            IModelLayout model = layout.NewModel();
            IOptimizer optimizer = layout.NewOptimizer(model, kind);
            optimizer.LearningRate = 0.01f;
            optimizer.WeightDecay = weightDecay;
            if (kind == OptimizerKind.Sgd)
            {
                OptimizerProperties.Set(optimizer, "Momentum", 0.9f);
            }

            Array.Copy(GradientSource.InitialParameters(layout.ParameterCount, 41), model.Parameters, layout.ParameterCount);
            var random = new Random(42);
            for (int step = 0; step < 30; step++)
            {
                GradientSource.FillRandom(model.Gradients, random);
                optimizer.Step();
            }

            return model.Parameters;
        }
    }

    [Fact]
    public void Adam_and_AdamW_take_identical_steps_when_weight_decay_is_zero()
    {
        // Coupled and decoupled decay differ only in where λ enters; with λ = 0 they are the same algorithm.
        LayoutCase layout = LayoutCatalog.NoDecayEnds;
        IModelLayout adamModel = layout.NewModel();
        IModelLayout adamWModel = layout.NewModel();
        IOptimizer adam = layout.NewOptimizer(adamModel, OptimizerKind.Adam);
        IOptimizer adamW = layout.NewOptimizer(adamWModel, OptimizerKind.AdamW);
        adam.WeightDecay = 0f;
        adamW.WeightDecay = 0f;
        float[] initial = GradientSource.InitialParameters(layout.ParameterCount, 51);
        Array.Copy(initial, adamModel.Parameters, initial.Length);
        Array.Copy(initial, adamWModel.Parameters, initial.Length);
        var random = new Random(52);
        for (int step = 1; step <= 50; step++)
        {
            GradientSource.FillRandom(adamModel.Gradients, random);
            Array.Copy(adamModel.Gradients, adamWModel.Gradients, layout.ParameterCount);
            adam.Step();
            adamW.Step();
            FloatAssert.BitEqual(adamModel.Parameters, adamWModel.Parameters, $"step {step}");
        }
    }
}

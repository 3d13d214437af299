using System;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests;

/// <summary>
/// Setters reject what torch.optim rejects, name the property, and leave the optimizer exactly as it
/// was: a rejected set must not change the property, the parameters or any optimizer state, which
/// is proved by running on next to a twin that never saw the bad value.
/// </summary>
public class HyperParameterValidationTests
{
    private const int StepsBefore = 3;
    private const int StepsAfter = 20;

    public static TheoryData<OptimizerKind, string, float> OutOfRangeCases()
    {
        var cases = new TheoryData<OptimizerKind, string, float>();
        foreach (OptimizerKind kind in new[] { OptimizerKind.Sgd, OptimizerKind.Adam, OptimizerKind.AdamW })
        {
            string[] nonNegative = kind == OptimizerKind.Sgd
                ? new[] { "LearningRate", "Momentum", "WeightDecay" }
                : new[] { "LearningRate", "Epsilon", "WeightDecay" };
            foreach (string property in nonNegative)
            {
                cases.Add(kind, property, -1e-3f);
                cases.Add(kind, property, -float.Epsilon);
                cases.Add(kind, property, float.NegativeInfinity);
                cases.Add(kind, property, float.NaN);
            }

            if (kind != OptimizerKind.Sgd)
            {
                foreach (string property in new[] { "Beta1", "Beta2" })
                {
                    cases.Add(kind, property, -0.1f);
                    cases.Add(kind, property, -float.Epsilon);
                    cases.Add(kind, property, 1f);
                    cases.Add(kind, property, 1.5f);
                    cases.Add(kind, property, float.PositiveInfinity);
                    cases.Add(kind, property, float.NaN);
                }
            }
        }

        return cases;
    }

    public static TheoryData<OptimizerKind, string, float> AcceptedBoundaryCases()
    {
        float largestBelowOne = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(1f) - 1);
        var cases = new TheoryData<OptimizerKind, string, float>
        {
            { OptimizerKind.Sgd, "LearningRate", 0f },
            { OptimizerKind.Sgd, "Momentum", 0f },
            { OptimizerKind.Sgd, "WeightDecay", 0f },
            { OptimizerKind.Sgd, "Dampening", 1f },
        };
        foreach (OptimizerKind kind in new[] { OptimizerKind.Adam, OptimizerKind.AdamW })
        {
            cases.Add(kind, "LearningRate", 0f);
            cases.Add(kind, "Epsilon", 0f);
            cases.Add(kind, "WeightDecay", 0f);
            cases.Add(kind, "Beta1", 0f);
            cases.Add(kind, "Beta1", largestBelowOne);
            cases.Add(kind, "Beta2", 0f);
            cases.Add(kind, "Beta2", largestBelowOne);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(OutOfRangeCases))]
    public void Out_of_range_value_throws_and_changes_nothing(OptimizerKind kind, string property, float value)
    {
        AssertRejected<ArgumentOutOfRangeException>(
            kind,
            configure: _ => { },
            reject: optimizer => OptimizerProperties.Set(optimizer, property, value),
            expectedParamName: property,
            watchedProperty: property);
    }

    [Theory]
    [MemberData(nameof(AcceptedBoundaryCases))]
    public void Boundary_value_is_accepted(OptimizerKind kind, string property, float value)
    {
        IOptimizer optimizer = LayoutCatalog.Mixed.NewOptimizer(LayoutCatalog.Mixed.NewModel(), kind);
        OptimizerProperties.Set(optimizer, property, value);
        FloatAssert.BitEqual(value, (float)OptimizerProperties.Get(optimizer, property), property);
    }

    [Fact]
    public void Nesterov_without_momentum_is_rejected()
    {
        AssertRejected<ArgumentException>(
            OptimizerKind.Sgd,
            configure: _ => { },
            reject: optimizer => OptimizerProperties.Set(optimizer, "Nesterov", true),
            expectedParamName: "Nesterov",
            watchedProperty: "Nesterov");
    }

    [Fact]
    public void Nesterov_with_dampening_is_rejected()
    {
        AssertRejected<ArgumentException>(
            OptimizerKind.Sgd,
            configure: optimizer =>
            {
                OptimizerProperties.Set(optimizer, "Momentum", 0.9f);
                OptimizerProperties.Set(optimizer, "Dampening", 0.5f);
            },
            reject: optimizer => OptimizerProperties.Set(optimizer, "Nesterov", true),
            expectedParamName: "Nesterov",
            watchedProperty: "Nesterov");
    }

    [Fact]
    public void Momentum_zero_while_Nesterov_is_on_is_rejected()
    {
        AssertRejected<ArgumentException>(
            OptimizerKind.Sgd,
            configure: NesterovOn,
            reject: optimizer => OptimizerProperties.Set(optimizer, "Momentum", 0f),
            expectedParamName: "Momentum",
            watchedProperty: "Momentum");
    }

    [Theory]
    [InlineData(0.5f)]
    [InlineData(-0.5f)]
    [InlineData(1f)]
    public void Dampening_while_Nesterov_is_on_is_rejected(float dampening)
    {
        AssertRejected<ArgumentException>(
            OptimizerKind.Sgd,
            configure: NesterovOn,
            reject: optimizer => OptimizerProperties.Set(optimizer, "Dampening", dampening),
            expectedParamName: "Dampening",
            watchedProperty: "Dampening");
    }

    [Fact]
    public void Nesterov_stays_on_when_momentum_changes_to_another_positive_value()
    {
        IOptimizer optimizer = LayoutCatalog.Mixed.NewOptimizer(LayoutCatalog.Mixed.NewModel(), OptimizerKind.Sgd);
        NesterovOn(optimizer);
        OptimizerProperties.Set(optimizer, "Momentum", 0.5f);
        OptimizerProperties.Set(optimizer, "Dampening", 0f);
        Assert.True((bool)OptimizerProperties.Get(optimizer, "Nesterov"));
        Assert.Equal(0.5f, (float)OptimizerProperties.Get(optimizer, "Momentum"));
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, false)]
    [InlineData(OptimizerKind.Adam, true)]
    [InlineData(OptimizerKind.AdamW, false)]
    [InlineData(OptimizerKind.AdamW, true)]
    public void Amsgrad_changed_after_the_first_step_throws_and_changes_nothing(OptimizerKind kind, bool initial)
    {
        AssertRejected<InvalidOperationException>(
            kind,
            configure: optimizer => OptimizerProperties.Set(optimizer, "Amsgrad", initial),
            reject: optimizer => OptimizerProperties.Set(optimizer, "Amsgrad", !initial),
            expectedParamName: null,
            watchedProperty: "Amsgrad");
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.AdamW)]
    public void Amsgrad_can_be_changed_freely_before_the_first_step(OptimizerKind kind)
    {
        IOptimizer optimizer = LayoutCatalog.Mixed.NewOptimizer(LayoutCatalog.Mixed.NewModel(), kind);
        OptimizerProperties.Set(optimizer, "Amsgrad", true);
        OptimizerProperties.Set(optimizer, "Amsgrad", false);
        OptimizerProperties.Set(optimizer, "Amsgrad", true);
        Assert.True((bool)OptimizerProperties.Get(optimizer, "Amsgrad"));
        optimizer.Step();

        // Re-stating the current value after the first step is not a change.
        OptimizerProperties.Set(optimizer, "Amsgrad", true);
        Assert.True((bool)OptimizerProperties.Get(optimizer, "Amsgrad"));
    }

    [Fact]
    public void Constructors_reject_a_null_model()
    {
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new MixedLayout.SgdOptimizer(null!)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new MixedLayout.AdamOptimizer(null!)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new MixedLayout.AdamWOptimizer(null!)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new TinyLayout.SgdOptimizer(null!)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new TinyLayout.AdamOptimizer(null!)).ParamName);
        Assert.Equal("model", Assert.Throws<ArgumentNullException>(() => new TinyLayout.AdamWOptimizer(null!)).ParamName);
    }

    [Fact]
    public void Object_initializer_validates_as_the_design_shows()
    {
        var model = new MixedLayout();
        var optimizer = new MixedLayout.AdamWOptimizer(model) { LearningRate = 1e-3f, WeightDecay = 0.01f };
        Assert.Equal(1e-3f, optimizer.LearningRate);
        Assert.Equal(0.01f, optimizer.WeightDecay);

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new MixedLayout.AdamWOptimizer(model) { LearningRate = -1e-3f });
        Assert.Equal("LearningRate", exception.ParamName);
        exception = Assert.Throws<ArgumentOutOfRangeException>(() => new MixedLayout.SgdOptimizer(model) { Momentum = float.NaN });
        Assert.Equal("Momentum", exception.ParamName);
        exception = Assert.Throws<ArgumentOutOfRangeException>(() => new MixedLayout.AdamOptimizer(model) { Beta2 = 1f });
        Assert.Equal("Beta2", exception.ParamName);
    }

    private static void NesterovOn(IOptimizer optimizer)
    {
        OptimizerProperties.Set(optimizer, "Momentum", 0.9f);
        OptimizerProperties.Set(optimizer, "Dampening", 0f);
        OptimizerProperties.Set(optimizer, "Nesterov", true);
    }

    /// <summary>Non-default valid settings, so "kept its old value" is not just "kept the default".</summary>
    private static void ConfigureNonDefault(IOptimizer optimizer, OptimizerKind kind)
    {
        if (kind == OptimizerKind.Sgd)
        {
            OptimizerProperties.Apply(optimizer, new SgdOptions(0.05, 0.5, 0.1, false, 0.02));
        }
        else
        {
            OptimizerProperties.Apply(optimizer, new AdamOptions(0.01, 0.8, 0.99, 1e-6, 0.05, false));
        }
    }

    private static void AssertRejected<TException>(
        OptimizerKind kind,
        Action<IOptimizer> configure,
        Action<IOptimizer> reject,
        string? expectedParamName,
        string watchedProperty)
        where TException : Exception
    {
        LayoutCase layout = LayoutCatalog.Mixed;
        IModelLayout model = layout.NewModel();
        IModelLayout twinModel = layout.NewModel();
        IOptimizer optimizer = layout.NewOptimizer(model, kind);
        IOptimizer twin = layout.NewOptimizer(twinModel, kind);
        foreach (IOptimizer each in new[] { optimizer, twin })
        {
            ConfigureNonDefault(each, kind);
            configure(each);
        }

        float[] initial = GradientSource.InitialParameters(layout.ParameterCount, 11);
        Array.Copy(initial, model.Parameters, initial.Length);
        Array.Copy(initial, twinModel.Parameters, initial.Length);
        var random = new Random(12);

        bool rejectBeforeAnyStep = typeof(TException) != typeof(InvalidOperationException);
        if (rejectBeforeAnyStep)
        {
            // A rejected set on a fresh optimizer must not, e.g., start state early.
            AttemptAndCheck();
        }

        for (int step = 0; step < StepsBefore; step++)
        {
            StepBoth();
        }

        AttemptAndCheck();

        for (int step = 0; step < StepsAfter; step++)
        {
            StepBoth();
            FloatAssert.BitEqual(twinModel.Parameters, model.Parameters, $"Parameters {step + 1} steps after the rejected set");
        }

        void StepBoth()
        {
            GradientSource.FillRandom(model.Gradients, random);
            Array.Copy(model.Gradients, twinModel.Gradients, model.Gradients.Length);
            optimizer.Step();
            twin.Step();
        }

        void AttemptAndCheck()
        {
            object before = OptimizerProperties.Get(optimizer, watchedProperty);
            float[] parameters = (float[])model.Parameters.Clone();
            float[] gradients = (float[])model.Gradients.Clone();
            long stepCount = optimizer.StepCount;

            TException exception = Assert.Throws<TException>(() => reject(optimizer));
            if (expectedParamName is not null)
            {
                Assert.Equal(expectedParamName, ((ArgumentException)(Exception)exception).ParamName);
            }

            Assert.Equal(before, OptimizerProperties.Get(optimizer, watchedProperty));
            Assert.Equal(OptimizerProperties.Get(twin, watchedProperty), OptimizerProperties.Get(optimizer, watchedProperty));
            FloatAssert.BitEqual(parameters, model.Parameters, "Parameters right after the rejected set");
            FloatAssert.BitEqual(gradients, model.Gradients, "Gradients right after the rejected set");
            Assert.Equal(stepCount, optimizer.StepCount);
        }
    }
}

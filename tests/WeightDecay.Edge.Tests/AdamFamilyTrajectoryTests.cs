using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.Reference;

namespace WeightDecay.Edge.Tests;

/// <summary>
/// The generated AdamOptimizer against the double-precision ReferenceAdam (coupled L2), and the
/// generated AdamWOptimizer against ReferenceAdamW (decoupled decay): same grid, same checks.
/// </summary>
public class AdamFamilyTrajectoryTests
{
    public static TheoryData<OptimizerKind, string, GradientMode, double, double, double, double, double, bool> Cases()
    {
        var cases = new TheoryData<OptimizerKind, string, GradientMode, double, double, double, double, double, bool>();
        foreach (OptimizerKind kind in new[] { OptimizerKind.Adam, OptimizerKind.AdamW })
        {
            foreach (object[] row in OptionGrid.AdamCases())
            {
                cases.Add(kind, (string)row[0], (GradientMode)row[1], (double)row[2], (double)row[3], (double)row[4], (double)row[5], (double)row[6], (bool)row[7]);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stays_within_1e5_of_the_reference_for_100_steps(
        OptimizerKind kind, string layout, GradientMode gradients, double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool amsgrad)
    {
        var options = new AdamOptions(learningRate, beta1, beta2, epsilon, weightDecay, amsgrad);
        Trajectory.AssertMatches(
            LayoutCatalog.Get(layout),
            kind,
            engine => OptimizerProperties.Apply(engine, options),
            (initial, decay) => Reference(kind, initial, decay, options),
            gradients,
            seed: 3000);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam, nameof(MixedLayout), GradientMode.Random, false)]
    [InlineData(OptimizerKind.Adam, nameof(MixedLayout), GradientMode.Quadratic, true)]
    [InlineData(OptimizerKind.Adam, nameof(NoDecayEndsLayout), GradientMode.Quadratic, false)]
    [InlineData(OptimizerKind.AdamW, nameof(MixedLayout), GradientMode.Random, false)]
    [InlineData(OptimizerKind.AdamW, nameof(MixedLayout), GradientMode.Quadratic, true)]
    [InlineData(OptimizerKind.AdamW, nameof(NoDecayEndsLayout), GradientMode.Quadratic, false)]
    public void Follows_the_reference_when_hyperparameters_change_between_steps(OptimizerKind kind, string layout, GradientMode gradients, bool amsgrad)
    {
        // A warm-up-then-decay learning-rate schedule, and weight decay and betas changed mid-run
        // (torch lets every group option change between steps; the bias corrections keep the step count).
        var options = new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0.01, amsgrad);
        Trajectory.AssertMatches(
            LayoutCatalog.Get(layout),
            kind,
            engine => OptimizerProperties.Apply(engine, options),
            (initial, decay) => Reference(kind, initial, decay, options),
            gradients,
            seed: 4000,
            steps: 120,
            beforeStep: (step, engine, reference) =>
            {
                var adam = (IReferenceAdam)reference;
                if (step <= 10)
                {
                    double lr = 0.003 * step;
                    engine.LearningRate = (float)lr;
                    adam.LearningRate = lr;
                }
                else if (step == 60)
                {
                    engine.LearningRate = 0.004f;
                    adam.LearningRate = 0.004;
                    engine.WeightDecay = 0.2f;
                    adam.WeightDecay = 0.2;
                }
                else if (step == 90)
                {
                    OptimizerProperties.Set(engine, "Beta1", 0.7f);
                    OptimizerProperties.Set(engine, "Beta2", 0.95f);
                    adam.Beta1 = 0.7;
                    adam.Beta2 = 0.95;
                }
            });
    }

    private static IReferenceAdam Reference(OptimizerKind kind, float[] initial, bool[] decay, AdamOptions options) =>
        kind == OptimizerKind.AdamW ? new ReferenceAdamW(initial, decay, options) : new ReferenceAdam(initial, decay, options);
}

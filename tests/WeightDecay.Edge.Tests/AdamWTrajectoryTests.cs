using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.Reference;

namespace WeightDecay.Edge.Tests;

/// <summary>The generated AdamWOptimizer against the double-precision ReferenceAdamW.</summary>
public class AdamWTrajectoryTests
{
    public static TheoryData<string, GradientMode, double, double, double, double, double, bool> Cases() => OptionGrid.AdamCases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stays_within_1e5_of_the_reference_for_100_steps(
        string layout, GradientMode gradients, double learningRate, double beta1, double beta2, double epsilon, double weightDecay, bool amsgrad)
    {
        var options = new AdamOptions(learningRate, beta1, beta2, epsilon, weightDecay, amsgrad);
        Trajectory.AssertMatches(
            LayoutCatalog.Get(layout),
            OptimizerKind.AdamW,
            engine => OptimizerProperties.Apply(engine, options),
            (initial, decay) => new ReferenceAdamW(initial, decay, options),
            gradients,
            seed: 3000);
    }

    [Theory]
    [InlineData(nameof(MixedLayout), GradientMode.Random, false)]
    [InlineData(nameof(MixedLayout), GradientMode.Quadratic, true)]
    [InlineData(nameof(NoDecayEndsLayout), GradientMode.Quadratic, false)]
    public void Follows_the_reference_when_hyperparameters_change_between_steps(string layout, GradientMode gradients, bool amsgrad)
    {
        // A warm-up-then-decay learning-rate schedule, and weight decay and betas changed mid-run
        // (torch lets every group option change between steps; the bias corrections keep the step count).
        var options = new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0.01, amsgrad);
        Trajectory.AssertMatches(
            LayoutCatalog.Get(layout),
            OptimizerKind.AdamW,
            engine => OptimizerProperties.Apply(engine, options),
            (initial, decay) => new ReferenceAdamW(initial, decay, options),
            gradients,
            seed: 4000,
            steps: 120,
            beforeStep: (step, engine, reference) =>
            {
                var adam = (ReferenceAdamW)reference;
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
}

using WeightDecay.Edge.Tests.Infrastructure;
using WeightDecay.Edge.Tests.Reference;

namespace WeightDecay.Edge.Tests;

/// <summary>The generated SgdOptimizer against the double-precision reference from torch.optim.SGD's documented rule.</summary>
public class SgdTrajectoryTests
{
    /// <summary>layout, gradients, lr, momentum, dampening, nesterov, weight decay.</summary>
    public static TheoryData<string, GradientMode, double, double, double, bool, double> Cases()
    {
        var cases = new TheoryData<string, GradientMode, double, double, double, bool, double>();
        foreach (string layout in OptionGrid.LayoutNames)
        {
            foreach (GradientMode mode in OptionGrid.GradientModes)
            {
                foreach (double lr in OptionGrid.SgdLearningRates)
                {
                    foreach (var (momentum, dampening, nesterov) in OptionGrid.SgdMomentumVariants)
                    {
                        foreach (double weightDecay in OptionGrid.WeightDecays)
                        {
                            cases.Add(layout, mode, lr, momentum, dampening, nesterov, weightDecay);
                        }
                    }
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Stays_within_1e5_of_the_reference_for_100_steps(
        string layout, GradientMode gradients, double learningRate, double momentum, double dampening, bool nesterov, double weightDecay)
    {
        var options = new SgdOptions(learningRate, momentum, dampening, nesterov, weightDecay);
        Trajectory.AssertMatches(
            LayoutCatalog.Get(layout),
            OptimizerKind.Sgd,
            engine => OptimizerProperties.Apply(engine, options),
            (initial, decay) => new ReferenceSgd(initial, decay, options),
            gradients,
            seed: 1000);
    }

    [Theory]
    [InlineData(nameof(MixedLayout), GradientMode.Random)]
    [InlineData(nameof(MixedLayout), GradientMode.Quadratic)]
    [InlineData(nameof(NoDecayEndsLayout), GradientMode.Quadratic)]
    public void Follows_the_reference_when_hyperparameters_change_between_steps(string layout, GradientMode gradients)
    {
        // Plain SGD for 30 steps, then momentum is switched on (torch starts the buffer as a copy of
        // that step's gradient), the learning rate decays at 60, and weight decay changes at 80.
        var options = new SgdOptions(0.02, 0, 0, false, 0.01);
        Trajectory.AssertMatches(
            LayoutCatalog.Get(layout),
            OptimizerKind.Sgd,
            engine => OptimizerProperties.Apply(engine, options),
            (initial, decay) => new ReferenceSgd(initial, decay, options),
            gradients,
            seed: 2000,
            steps: 120,
            beforeStep: (step, engine, reference) =>
            {
                var sgd = (ReferenceSgd)reference;
                if (step == 31)
                {
                    OptimizerProperties.Set(engine, "Momentum", 0.9f);
                    OptimizerProperties.Set(engine, "Dampening", 0.25f);
                    sgd.Momentum = 0.9;
                    sgd.Dampening = 0.25;
                }
                else if (step == 61)
                {
                    engine.LearningRate = 0.007f;
                    sgd.LearningRate = 0.007;
                }
                else if (step == 81)
                {
                    engine.WeightDecay = 0.1f;
                    sgd.WeightDecay = 0.1;
                }
            });
    }
}

using System.Collections.Generic;

namespace WeightDecay.Edge.Tests.Infrastructure;

/// <summary>The option combinations the trajectory and allocation tests sweep.</summary>
internal static class OptionGrid
{
    public static readonly GradientMode[] GradientModes = { GradientMode.Random, GradientMode.Quadratic };

    public static readonly double[] WeightDecays = { 0, 0.01, 0.1 };

    /// <summary>(momentum, dampening, nesterov): every combination torch accepts of momentum 0/0.9, dampening 0/0.5.</summary>
    public static readonly (double Momentum, double Dampening, bool Nesterov)[] SgdMomentumVariants =
    {
        (0, 0, false),
        (0, 0.5, false),
        (0.9, 0, false),
        (0.9, 0.5, false),
        (0.9, 0, true),
    };

    public static readonly double[] SgdLearningRates = { 0.01, 0.03 };

    /// <summary>(lr, beta1, beta2, eps): torch's defaults, then faster and shorter-memory settings.</summary>
    public static readonly (double LearningRate, double Beta1, double Beta2, double Epsilon)[] AdamSettings =
    {
        (1e-3, 0.9, 0.999, 1e-8),
        (1e-2, 0.8, 0.99, 1e-6),
        (2e-2, 0.5, 0.9, 1e-4),
        (5e-3, 0, 0.5, 1e-3),
    };

    public static readonly bool[] AmsgradValues = { false, true };

    public static IEnumerable<string> LayoutNames
    {
        get
        {
            foreach (LayoutCase layout in LayoutCatalog.All)
            {
                yield return layout.Name;
            }
        }
    }

    /// <summary>layout, gradients, lr, beta1, beta2, eps, weight decay, amsgrad.</summary>
    public static TheoryData<string, GradientMode, double, double, double, double, double, bool> AdamCases()
    {
        var cases = new TheoryData<string, GradientMode, double, double, double, double, double, bool>();
        foreach (string layout in LayoutNames)
        {
            foreach (GradientMode mode in GradientModes)
            {
                foreach (var (lr, beta1, beta2, eps) in AdamSettings)
                {
                    foreach (double weightDecay in WeightDecays)
                    {
                        foreach (bool amsgrad in AmsgradValues)
                        {
                            cases.Add(layout, mode, lr, beta1, beta2, eps, weightDecay, amsgrad);
                        }
                    }
                }
            }
        }

        return cases;
    }
}

using System;
using System.Globalization;
using WeightDecay.Edge.Tests.Reference;

namespace WeightDecay.Edge.Tests.Infrastructure;

/// <summary>Runs the generated optimizer and a reference side by side and compares every parameter.</summary>
internal static class Trajectory
{
    /// <summary>The contract: after 100 steps on parameters of order 1, within 1e-5 of the reference.</summary>
    public const double Tolerance = 1e-5;

    public const int Steps = 100;

    /// <summary>
    /// Sets the same initial parameters on both sides, then for <paramref name="steps"/> steps feeds
    /// both the gradients of <paramref name="mode"/> and checks every parameter after every step.
    /// <paramref name="beforeStep"/> runs before step k (1-based) on both sides, e.g. to change the
    /// learning rate.
    /// </summary>
    public static void AssertMatches(
        LayoutCase layout,
        OptimizerKind kind,
        Action<IOptimizer> configure,
        Func<float[], bool[], IReferenceOptimizer> newReference,
        GradientMode mode,
        int seed,
        int steps = Steps,
        Action<int, IOptimizer, IReferenceOptimizer>? beforeStep = null)
    {
        IModelLayout model = layout.NewModel();
        IOptimizer engine = layout.NewOptimizer(model, kind);
        configure(engine);

        float[] initial = GradientSource.InitialParameters(layout.ParameterCount, seed);
        Array.Copy(initial, model.Parameters, initial.Length);
        IReferenceOptimizer reference = newReference(initial, layout.DecayMask());

        var gradients = new GradientSource(layout.ParameterCount, mode, seed + 1);
        var referenceGradients = new float[layout.ParameterCount];
        float[] engineParameters = model.Parameters;
        double[] referenceParameters = reference.Parameters;

        double largestMove = 0;
        for (int step = 1; step <= steps; step++)
        {
            beforeStep?.Invoke(step, engine, reference);
            gradients.Advance();
            gradients.Fill(model.Gradients, i => engineParameters[i]);
            gradients.Fill(referenceGradients, i => referenceParameters[i]);
            engine.Step();
            reference.Step(referenceGradients);

            for (int i = 0; i < layout.ParameterCount; i++)
            {
                double difference = Math.Abs(engineParameters[i] - referenceParameters[i]);
                if (!(difference <= Tolerance))
                {
                    Assert.Fail(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{kind} on {layout.Name}, {mode} gradients: after step {step}, {layout.Describe(i)} is {engineParameters[i]:R} but the reference gives {referenceParameters[i]:R} (difference {difference:E3}, tolerance {Tolerance:E0})."));
                }
            }

            for (int i = 0; i < layout.ParameterCount; i++)
            {
                largestMove = Math.Max(largestMove, Math.Abs(referenceParameters[i] - initial[i]));
            }
        }

        if (engine.StepCount != steps)
        {
            Assert.Fail($"StepCount is {engine.StepCount} after {steps} steps.");
        }

        // Guard against a vacuous comparison: the parameters must actually have moved.
        if (largestMove < 1e-3)
        {
            Assert.Fail($"The reference barely moved (largest change {largestMove:E3}); the test would prove nothing.");
        }
    }
}

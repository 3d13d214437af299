using System;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>Forward, Predict and both gradient accumulations allocate nothing per call, arrays and spans alike.</summary>
public class DenseAllocationTests
{
    private const int Calls = 200;

    [Fact]
    public void Per_step_calls_allocate_nothing()
    {
        var model = new DigitsMlp();
        var random = new Random(3);
        for (int j = 0; j < DigitsMlp.ParameterCount; j++)
        {
            model.Parameters[j] = (float)(random.NextDouble() - 0.5);
        }

        var input = new float[DigitsMlp.InputSize];
        var output = new float[DigitsMlp.OutputSize];
        var target = new float[DigitsMlp.OutputSize];
        input[5] = 1f;
        target[2] = 1f;
        var optimizer = new DigitsMlp.AdamWOptimizer(model);
        RunStep(model, optimizer, input, output, target); // JIT and tiering out of the measurement.

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int call = 0; call < Calls; call++)
        {
            RunStep(model, optimizer, input, output, target);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private static void RunStep(DigitsMlp model, DigitsMlp.AdamWOptimizer optimizer, float[] input, float[] output, float[] target)
    {
        model.ZeroGrad();
        model.AccumulateCrossEntropyGradient(input, 3, 0.5f);
        model.AccumulateMeanSquaredErrorGradient(input, target, 0.5f);
        model.AccumulateCrossEntropyGradient(new ReadOnlySpan<float>(input), 1, 0.5f);
        model.AccumulateMeanSquaredErrorGradient(new ReadOnlySpan<float>(input), new ReadOnlySpan<float>(target), 0.5f);
        model.Forward(input, output);
        model.Forward(new ReadOnlySpan<float>(input), new Span<float>(output));
        model.Predict(input);
        model.Predict(new ReadOnlySpan<float>(input));
        optimizer.Step();
    }
}

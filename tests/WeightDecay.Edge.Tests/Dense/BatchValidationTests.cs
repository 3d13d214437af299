using System;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>
/// Every bad argument of the mini-batch overloads gets its exception, naming the argument, before anything
/// is written: Parameters, Gradients and the forward outputs stay as they were. And no call allocates.
/// </summary>
public class BatchValidationTests
{
    private static readonly float[] NoFloats = null!;
    private static readonly int[] NoInts = null!;

    public static TheoryData<string, Type, string> Cases() => new()
    {
        { "span: batchSize 0", typeof(ArgumentOutOfRangeException), "batchSize" },
        { "span: batchSize -1", typeof(ArgumentOutOfRangeException), "batchSize" },
        { "span: inputs one value short", typeof(ArgumentException), "inputs" },
        { "span: inputs one row long", typeof(ArgumentException), "inputs" },
        { "span: labels one short", typeof(ArgumentException), "labels" },
        { "span: last label = OutputSize", typeof(ArgumentOutOfRangeException), "labels" },
        { "span: first label -1", typeof(ArgumentOutOfRangeException), "labels" },
        { "span: targets one value short", typeof(ArgumentException), "targets" },
        { "array: inputs null", typeof(ArgumentNullException), "inputs" },
        { "array: labels null", typeof(ArgumentNullException), "labels" },
        { "array: targets null", typeof(ArgumentNullException), "targets" },
        { "array: firstSample -1", typeof(ArgumentOutOfRangeException), "firstSample" },
        { "array: batchSize 0", typeof(ArgumentOutOfRangeException), "batchSize" },
        { "array: one sample past the inputs", typeof(ArgumentException), "inputs" },
        { "array: one sample past the labels", typeof(ArgumentException), "labels" },
        { "array: one sample past the targets", typeof(ArgumentException), "targets" },
        { "array: a label out of range", typeof(ArgumentOutOfRangeException), "labels" },
        { "array: huge firstSample", typeof(ArgumentException), "inputs" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_argument_throws_and_changes_nothing(string call, Type exception, string parameter)
    {
        var model = new BatchOddSizesMlp();
        var random = new Random(2);
        for (int j = 0; j < model.Parameters.Length; j++)
        {
            model.Parameters[j] = (float)(random.NextDouble() - 0.5);
            model.Gradients[j] = (float)(random.NextDouble() - 0.5);
        }

        const int Batch = 4;
        var inputs = new float[Batch * BatchOddSizesMlp.InputSize];
        var labels = new int[Batch];
        var targets = new float[Batch * BatchOddSizesMlp.OutputSize];
        inputs[3] = 1f;
        var output = new float[BatchOddSizesMlp.OutputSize];
        model.Forward(inputs.AsSpan(0, BatchOddSizesMlp.InputSize), output);
        float[] parameters = (float[])model.Parameters.Clone();
        float[] gradients = (float[])model.Gradients.Clone();

        Action act = call switch
        {
            "span: batchSize 0" => () => model.AccumulateCrossEntropyGradient(inputs, labels, 0, 1f),
            "span: batchSize -1" => () => model.AccumulateMeanSquaredErrorGradient(inputs, targets, -1, 1f),
            "span: inputs one value short" => () => model.AccumulateCrossEntropyGradient(inputs.AsSpan(1), labels, Batch, 1f),
            "span: inputs one row long" => () => model.AccumulateMeanSquaredErrorGradient(inputs, targets.AsSpan(0, 3 * BatchOddSizesMlp.OutputSize), 3, 1f),
            "span: labels one short" => () => model.AccumulateCrossEntropyGradient(inputs, labels.AsSpan(1), Batch, 1f),
            "span: last label = OutputSize" => () => { labels[Batch - 1] = BatchOddSizesMlp.OutputSize; model.AccumulateCrossEntropyGradient(inputs, labels, Batch, 1f); },
            "span: first label -1" => () => { labels[0] = -1; model.AccumulateCrossEntropyGradient(inputs, labels, Batch, 1f); },
            "span: targets one value short" => () => model.AccumulateMeanSquaredErrorGradient(inputs, targets.AsSpan(1), Batch, 1f),
            "array: inputs null" => () => model.AccumulateCrossEntropyGradient(NoFloats, labels, 0, Batch, 1f),
            "array: labels null" => () => model.AccumulateCrossEntropyGradient(inputs, NoInts, 0, Batch, 1f),
            "array: targets null" => () => model.AccumulateMeanSquaredErrorGradient(inputs, NoFloats, 0, Batch, 1f),
            "array: firstSample -1" => () => model.AccumulateCrossEntropyGradient(inputs, labels, -1, 2, 1f),
            "array: batchSize 0" => () => model.AccumulateMeanSquaredErrorGradient(inputs, targets, 0, 0, 1f),
            "array: one sample past the inputs" => () => model.AccumulateMeanSquaredErrorGradient(inputs, new float[targets.Length * 2], 1, Batch, 1f),
            "array: one sample past the labels" => () => model.AccumulateCrossEntropyGradient(new float[inputs.Length * 2], labels, 1, Batch, 1f),
            "array: one sample past the targets" => () => model.AccumulateMeanSquaredErrorGradient(new float[inputs.Length * 2], targets, 1, Batch, 1f),
            "array: a label out of range" => () => { labels[2] = 99; model.AccumulateCrossEntropyGradient(inputs, labels, 0, Batch, 1f); },
            "array: huge firstSample" => () => model.AccumulateCrossEntropyGradient(inputs, labels, int.MaxValue - 1, 1, 1f),
            _ => throw new ArgumentException("test bug: unknown call " + call),
        };

        Exception thrown = Assert.Throws(exception, act);
        Assert.Equal(parameter, ((ArgumentException)thrown).ParamName);
        if (thrown is not ArgumentNullException)
        {
            Assert.Contains("nothing was written", thrown.Message, StringComparison.Ordinal);
        }

        Assert.Equal(parameters, model.Parameters);
        Assert.Equal(gradients, model.Gradients);
        var after = new float[BatchOddSizesMlp.OutputSize];
        model.Forward(inputs.AsSpan(0, BatchOddSizesMlp.InputSize), after);
        Assert.Equal(output, after);
    }

    [Fact]
    public void Batch_calls_allocate_nothing()
    {
        var model = new BatchDigitsMlp();
        var optimizer = new BatchDigitsMlp.AdamWOptimizer(model);
        const int Samples = BatchDigitsMlp.MaxBatchSize + 5; // two passes per call
        var inputs = new float[Samples * BatchDigitsMlp.InputSize];
        var labels = new int[Samples];
        var targets = new float[Samples * BatchDigitsMlp.OutputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = (i % 17) / 17f;
        }

        Step(model, optimizer, inputs, labels, targets, Samples); // JIT and tiering out of the measurement.
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int call = 0; call < 50; call++)
        {
            Step(model, optimizer, inputs, labels, targets, Samples);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static void Step(BatchDigitsMlp model, BatchDigitsMlp.AdamWOptimizer optimizer, float[] inputs, int[] labels, float[] targets, int samples)
    {
        model.ZeroGrad();
        model.AccumulateCrossEntropyGradient(inputs, labels, samples, 0.5f / samples);
        model.AccumulateMeanSquaredErrorGradient(inputs, targets, samples, 0.5f / samples);
        model.AccumulateCrossEntropyGradient(inputs, labels, 1, samples - 1, 0.5f);
        model.AccumulateMeanSquaredErrorGradient(inputs, targets, 2, samples - 2, 0.5f);
        optimizer.Step();
    }
}

using System;
using System.Linq;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>
/// Bad arguments throw the documented exception, naming the parameter, before anything is written:
/// Parameters, Gradients and the caller's output stay exactly as they were.
/// </summary>
public class DenseValidationTests
{
    public static TheoryData<string> Layouts()
    {
        var data = new TheoryData<string>();
        foreach (string name in DenseCase.Names)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Bad_arguments_throw_and_leave_every_buffer_untouched(string layoutName)
    {
        DenseCase layout = DenseCase.Create(layoutName);
        var random = new Random(4);
        DenseTestData.Initialize(layout, random);
        float[] gradients = DenseTestData.Vector(random, layout.Gradients.Length);
        Array.Copy(gradients, layout.Gradients, gradients.Length);
        float[] parameters = (float[])layout.Parameters.Clone();
        float[] input = DenseTestData.Vector(random, layout.InputSize);
        float[] target = DenseTestData.Target(random, layout);
        float[] shortInput = new float[layout.InputSize - 1 + (layout.InputSize == 1 ? 2 : 0)];
        float[] longTarget = new float[layout.OutputSize + 1];
        float[] output = Enumerable.Repeat(42f, layout.OutputSize).ToArray();

        Expect<ArgumentNullException>("input", () => layout.CrossEntropy(null!, 0, 1f));
        Expect<ArgumentException>("input", () => layout.CrossEntropy(shortInput, 0, 1f));
        Expect<ArgumentOutOfRangeException>("label", () => layout.CrossEntropy(input, -1, 1f));
        Expect<ArgumentOutOfRangeException>("label", () => layout.CrossEntropy(input, layout.OutputSize, 1f));
        Expect<ArgumentNullException>("input", () => layout.MeanSquaredError(null!, target, 1f));
        Expect<ArgumentException>("input", () => layout.MeanSquaredError(shortInput, target, 1f));
        Expect<ArgumentNullException>("target", () => layout.MeanSquaredError(input, null!, 1f));
        Expect<ArgumentException>("target", () => layout.MeanSquaredError(input, longTarget, 1f));
        Expect<ArgumentNullException>("input", () => layout.Forward(null!, output));
        Expect<ArgumentException>("input", () => layout.Forward(shortInput, output));
        Expect<ArgumentNullException>("output", () => layout.Forward(input, null!));
        Expect<ArgumentException>("output", () => layout.Forward(input, longTarget));
        Expect<ArgumentNullException>("input", () => layout.Predict(null!));
        Expect<ArgumentException>("input", () => layout.Predict(shortInput));

        Assert.Equal(parameters, layout.Parameters);
        Assert.Equal(gradients, layout.Gradients);
        Assert.All(output, value => Assert.Equal(42f, value));
        Assert.All(longTarget, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Span_overloads_validate_lengths_and_agree_with_the_array_overloads()
    {
        var model = new DigitsMlp();
        var random = new Random(9);
        for (int j = 0; j < DigitsMlp.ParameterCount; j++)
        {
            model.Parameters[j] = (float)(random.NextDouble() - 0.5);
        }

        float[] input = DenseTestData.Vector(random, DigitsMlp.InputSize);
        var fromArray = new float[DigitsMlp.OutputSize];
        var fromSpan = new float[DigitsMlp.OutputSize];
        model.Forward(input, fromArray);
        model.Forward(new ReadOnlySpan<float>(input), new Span<float>(fromSpan));
        Assert.Equal(fromArray, fromSpan);

        model.ZeroGrad();
        float arrayLoss = model.AccumulateCrossEntropyGradient(input, 7, 1f);
        float[] arrayGradients = (float[])model.Gradients.Clone();
        model.ZeroGrad();
        float spanLoss = model.AccumulateCrossEntropyGradient(new ReadOnlySpan<float>(input), 7, 1f);
        Assert.Equal(arrayLoss, spanLoss);
        Assert.Equal(arrayGradients, model.Gradients);

        float[] before = (float[])model.Gradients.Clone();
        ArgumentException error = Assert.Throws<ArgumentException>(() => model.AccumulateMeanSquaredErrorGradient(new ReadOnlySpan<float>(input), new ReadOnlySpan<float>(new float[3]), 1f));
        Assert.Equal("target", error.ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => model.Forward(new ReadOnlySpan<float>(input), new Span<float>(new float[11]))).ParamName);
        Assert.Equal(before, model.Gradients);
    }

    private static void Expect<TException>(string parameter, Action call)
        where TException : ArgumentException
    {
        TException error = Assert.Throws<TException>(call);
        Assert.Equal(parameter, error.ParamName);
    }
}

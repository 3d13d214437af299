using System;
using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests.TorchReference;

/// <summary>TorchReferenceLayout's tensors with a moving average of decay 0.9 (a lerp weight below 0.5).</summary>
[ModelLayout(EmaDecay = 0.9f)]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Sgd, Adam, AdamW]
public partial class EmaReferenceLayout09
{
}

/// <summary>The same with decay 0.3: a lerp weight of 0.7, torch's other branch.</summary>
[ModelLayout(EmaDecay = 0.3f)]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Sgd, Adam, AdamW]
public partial class EmaReferenceLayout03
{
}

/// <summary>The same with decay 0.999, the usual choice.</summary>
[ModelLayout(EmaDecay = 0.999f)]
[Tensor("W", 4, 5)]
[Tensor("B", 5, Decay = false)]
[Tensor("F", 2, 3, Trainable = false)]
[Tensor("V", 3, 7)]
[Sgd, Adam, AdamW]
public partial class EmaReferenceLayout0999
{
}

/// <summary>
/// The moving average of the weights against real torch (see make_ema_reference.py: a copy after the first step, then
/// <c>ema.lerp_(p, 1 - decay)</c> after each, as torch's <c>AveragedModel</c> with <c>get_ema_multi_avg_fn</c>). The
/// average (read with <c>CopyAveragedTo</c>) and the parameters must match bit for bit after every recorded step, for
/// lerp weights below and above 0.5 (torch computes them differently).
/// </summary>
public class EmaReferenceTests
{
    private const string File = "ema.json";

    public static TheoryData<string> Cases() => new(TorchReferenceData.Cases(File).Select(c => c.Name));

    [Fact]
    public void The_reference_was_written_by_torch_1_13_from_the_documented_parameters()
    {
        TorchReferenceData.AssertWrittenByTorchFromTheInitialParameters(File, EmaReferenceLayout09.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Average_matches_torch_bit_for_bit(string name)
    {
        TorchCase reference = TorchReferenceData.Case(File, name);
        IReadOnlyDictionary<int, float[]> averages = TorchReferenceData.CaseSnapshots(File, name, "average");
        (IModelLayout model, IOptimizer optimizer, Action<float[]> copyAveraged) = Create(reference);
        float[] parameters = ((dynamic)model).Parameters;
        float[] gradients = ((dynamic)model).Gradients;
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] = TorchReferenceData.InitialParameter(i);
        }

        var average = new float[parameters.Length];
        copyAveraged(average);
        Assert.Equal(parameters, average); // before any step: the model as it is
        for (int t = 1; t <= reference.Steps; t++)
        {
            TorchReferenceData.SetGradients(gradients, t);
            optimizer.Step();
            if (!averages.TryGetValue(t, out float[]? expected))
            {
                continue;
            }

            copyAveraged(average);
            for (int i = 0; i < expected.Length; i++)
            {
                FloatAssert.BitEqual(expected[i], average[i], $"{name}, average {i} after step {t}");
                FloatAssert.BitEqual(reference.Parameters[t][i], parameters[i], $"{name}, parameter {i} after step {t}");
            }
        }
    }

    private static (IModelLayout, IOptimizer, Action<float[]>) Create(TorchCase c)
    {
        double decay = c.Number("ema_decay");
        IModelLayout model = decay switch
        {
            0.9 => new EmaReferenceLayout09(),
            0.3 => new EmaReferenceLayout03(),
            _ => new EmaReferenceLayout0999(),
        };
        string className = c.Optimizer switch { "sgd" => "SgdOptimizer", "adam" => "AdamOptimizer", _ => "AdamWOptimizer" };
        dynamic optimizer = Activator.CreateInstance(model.GetType().GetNestedType(className)!, model)!;
        optimizer.LearningRate = (float)c.Number("lr");
        optimizer.WeightDecay = (float)c.Number("weight_decay");
        if (c.Optimizer == "sgd")
        {
            optimizer.Momentum = (float)c.Number("momentum");
        }

        if (c.Optimizer == "adam")
        {
            optimizer.Amsgrad = c.Flag("amsgrad");
        }

        float declared = (float)((object)optimizer).GetType().GetField("EmaDecay")!.GetValue(null)!;
        Assert.Equal((float)decay, declared);
        return (model, (IOptimizer)optimizer, destination => optimizer.CopyAveragedTo(destination));
    }
}

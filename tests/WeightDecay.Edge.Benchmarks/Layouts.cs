using System;
using System.Collections.Generic;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Benchmarks;

// The layouts the suite measures, declared exactly as users declare them. Every one opts into all
// three optimizers. Layouts other than the digits MLP are a weight matrix plus a bias that is not
// decayed, so the decay mask is exercised everywhere.

/// <summary>100 parameters: W 10x9 (decayed) and B 10 (not decayed).</summary>
[ModelLayout]
[Tensor("W", 10, 9)]
[Tensor("B", 10, Decay = false)]
[Sgd, Adam, AdamW]
public partial class Tiny100 { }

/// <summary>The 64-32-10 digits MLP: 2,410 parameters in four tensors.</summary>
[ModelLayout]
[Tensor("W1", 64, 32)]
[Tensor("B1", 32, Decay = false)]
[Tensor("W2", 32, 10)]
[Tensor("B2", 10, Decay = false)]
[Sgd, Adam, AdamW]
public partial class Digits2410 { }

/// <summary>65,536 parameters: W 256x255 and B 256 (not decayed).</summary>
[ModelLayout]
[Tensor("W", 256, 255)]
[Tensor("B", 256, Decay = false)]
[Sgd, Adam, AdamW]
public partial class Dense64K { }

/// <summary>1,048,576 parameters: W 1024x1023 and B 1024 (not decayed).</summary>
[ModelLayout]
[Tensor("W", 1024, 1023)]
[Tensor("B", 1024, Decay = false)]
[Sgd, Adam, AdamW]
public partial class Dense1M { }

/// <summary>4,194,304 parameters: W 2048x2047 and B 2048 (not decayed).</summary>
[ModelLayout]
[Tensor("W", 2048, 2047)]
[Tensor("B", 2048, Decay = false)]
[Sgd, Adam, AdamW]
public partial class Dense4M { }

/// <summary>20 tensors of 50 (1,000 parameters), decay on, off, on, off...: the per-tensor overhead case.</summary>
[ModelLayout]
[Tensor("T00", 50)] [Tensor("T01", 50, Decay = false)] [Tensor("T02", 50)] [Tensor("T03", 50, Decay = false)]
[Tensor("T04", 50)] [Tensor("T05", 50, Decay = false)] [Tensor("T06", 50)] [Tensor("T07", 50, Decay = false)]
[Tensor("T08", 50)] [Tensor("T09", 50, Decay = false)] [Tensor("T10", 50)] [Tensor("T11", 50, Decay = false)]
[Tensor("T12", 50)] [Tensor("T13", 50, Decay = false)] [Tensor("T14", 50)] [Tensor("T15", 50, Decay = false)]
[Tensor("T16", 50)] [Tensor("T17", 50, Decay = false)] [Tensor("T18", 50)] [Tensor("T19", 50, Decay = false)]
[Sgd, Adam, AdamW]
public partial class Tensors20x50 { }

/// <summary>The hyperparameters every variant uses, so that all compute the same update.</summary>
public static class Hyper
{
    /// <summary>AdamW: lr 1e-3, decoupled weight decay 1e-2, betas (0.9, 0.999), eps 1e-8 (torch defaults but wd).</summary>
    public static readonly AdamHyper AdamW = new(LearningRate: 1e-3, WeightDecay: 1e-2, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8);

    /// <summary>Adam: the same numbers; its weight decay is coupled L2 (added to the gradient).</summary>
    public static readonly AdamHyper Adam = new(LearningRate: 1e-3, WeightDecay: 1e-2, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8);

    /// <summary>SGD with momentum 0.9, no dampening, no Nesterov, coupled L2 weight decay 1e-4, lr 1e-2.</summary>
    public static readonly SgdHyper Sgd = new(LearningRate: 1e-2, WeightDecay: 1e-4, Momentum: 0.9);
}

/// <summary>Adam/AdamW hyperparameters as the decimals a user types (torch computes with these doubles).</summary>
public readonly record struct AdamHyper(double LearningRate, double WeightDecay, double Beta1, double Beta2, double Epsilon);

/// <summary>SGD hyperparameters as decimals. Dampening is 0 and Nesterov off.</summary>
public readonly record struct SgdHyper(double LearningRate, double WeightDecay, double Momentum);

/// <summary>The optimizers the suite measures.</summary>
public enum OptimizerKind
{
    /// <summary>torch.optim.AdamW.</summary>
    AdamW,

    /// <summary>torch.optim.Adam with coupled L2 decay.</summary>
    Adam,

    /// <summary>torch.optim.SGD with momentum and coupled L2 decay.</summary>
    Sgd,
}

/// <summary>
/// One layout of the suite: how to make a model of it and its generated optimizers. Benchmarks take it
/// as their <c>Layout</c> parameter: it prints as its name and sorts by parameter count.
/// </summary>
public sealed class LayoutCase : IComparable<LayoutCase>, IComparable
{
    private readonly Func<IModelLayout> _createModel;
    private readonly Func<IModelLayout, OptimizerKind, IOptimizer> _createGenerated;

    internal LayoutCase(string name, int parameterCount, Func<IModelLayout> createModel, Func<IModelLayout, OptimizerKind, IOptimizer> createGenerated)
    {
        Name = name;
        ParameterCount = parameterCount;
        _createModel = createModel;
        _createGenerated = createGenerated;
    }

    /// <summary>The name benchmarks take as their Layout parameter.</summary>
    public string Name { get; }

    /// <summary>Number of parameters (the generated ParameterCount).</summary>
    public int ParameterCount { get; }

    /// <summary>A new model of this layout, parameters and gradients zero.</summary>
    public IModelLayout CreateModel() => _createModel();

    /// <summary>The generated optimizer of <paramref name="kind"/> for <paramref name="model"/>, hyperparameters from <see cref="Hyper"/>.</summary>
    public IOptimizer CreateGenerated(IModelLayout model, OptimizerKind kind) => _createGenerated(model, kind);

    /// <inheritdoc/>
    public int CompareTo(LayoutCase? other) => other is null ? 1 : ParameterCount != other.ParameterCount
        ? ParameterCount.CompareTo(other.ParameterCount)
        : string.CompareOrdinal(Name, other.Name);

    /// <inheritdoc/>
    public int CompareTo(object? obj) => CompareTo(obj as LayoutCase);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>All layouts of the suite, by name.</summary>
public static class LayoutCatalog
{
    /// <summary>The layouts, smallest first; the 20x50 case last.</summary>
    public static IReadOnlyList<LayoutCase> All { get; } =
    [
        new("Tiny100", Tiny100.ParameterCount, () => new Tiny100(), (m, k) => k switch
        {
            OptimizerKind.AdamW => new Tiny100.AdamWOptimizer((Tiny100)m) { LearningRate = F(Hyper.AdamW.LearningRate), WeightDecay = F(Hyper.AdamW.WeightDecay), Beta1 = F(Hyper.AdamW.Beta1), Beta2 = F(Hyper.AdamW.Beta2), Epsilon = F(Hyper.AdamW.Epsilon) },
            OptimizerKind.Adam => new Tiny100.AdamOptimizer((Tiny100)m) { LearningRate = F(Hyper.Adam.LearningRate), WeightDecay = F(Hyper.Adam.WeightDecay), Beta1 = F(Hyper.Adam.Beta1), Beta2 = F(Hyper.Adam.Beta2), Epsilon = F(Hyper.Adam.Epsilon) },
            _ => new Tiny100.SgdOptimizer((Tiny100)m) { LearningRate = F(Hyper.Sgd.LearningRate), Momentum = F(Hyper.Sgd.Momentum), WeightDecay = F(Hyper.Sgd.WeightDecay) },
        }),
        new("Digits2410", Digits2410.ParameterCount, () => new Digits2410(), (m, k) => k switch
        {
            OptimizerKind.AdamW => new Digits2410.AdamWOptimizer((Digits2410)m) { LearningRate = F(Hyper.AdamW.LearningRate), WeightDecay = F(Hyper.AdamW.WeightDecay), Beta1 = F(Hyper.AdamW.Beta1), Beta2 = F(Hyper.AdamW.Beta2), Epsilon = F(Hyper.AdamW.Epsilon) },
            OptimizerKind.Adam => new Digits2410.AdamOptimizer((Digits2410)m) { LearningRate = F(Hyper.Adam.LearningRate), WeightDecay = F(Hyper.Adam.WeightDecay), Beta1 = F(Hyper.Adam.Beta1), Beta2 = F(Hyper.Adam.Beta2), Epsilon = F(Hyper.Adam.Epsilon) },
            _ => new Digits2410.SgdOptimizer((Digits2410)m) { LearningRate = F(Hyper.Sgd.LearningRate), Momentum = F(Hyper.Sgd.Momentum), WeightDecay = F(Hyper.Sgd.WeightDecay) },
        }),
        new("Dense64K", Dense64K.ParameterCount, () => new Dense64K(), (m, k) => k switch
        {
            OptimizerKind.AdamW => new Dense64K.AdamWOptimizer((Dense64K)m) { LearningRate = F(Hyper.AdamW.LearningRate), WeightDecay = F(Hyper.AdamW.WeightDecay), Beta1 = F(Hyper.AdamW.Beta1), Beta2 = F(Hyper.AdamW.Beta2), Epsilon = F(Hyper.AdamW.Epsilon) },
            OptimizerKind.Adam => new Dense64K.AdamOptimizer((Dense64K)m) { LearningRate = F(Hyper.Adam.LearningRate), WeightDecay = F(Hyper.Adam.WeightDecay), Beta1 = F(Hyper.Adam.Beta1), Beta2 = F(Hyper.Adam.Beta2), Epsilon = F(Hyper.Adam.Epsilon) },
            _ => new Dense64K.SgdOptimizer((Dense64K)m) { LearningRate = F(Hyper.Sgd.LearningRate), Momentum = F(Hyper.Sgd.Momentum), WeightDecay = F(Hyper.Sgd.WeightDecay) },
        }),
        new("Dense1M", Dense1M.ParameterCount, () => new Dense1M(), (m, k) => k switch
        {
            OptimizerKind.AdamW => new Dense1M.AdamWOptimizer((Dense1M)m) { LearningRate = F(Hyper.AdamW.LearningRate), WeightDecay = F(Hyper.AdamW.WeightDecay), Beta1 = F(Hyper.AdamW.Beta1), Beta2 = F(Hyper.AdamW.Beta2), Epsilon = F(Hyper.AdamW.Epsilon) },
            OptimizerKind.Adam => new Dense1M.AdamOptimizer((Dense1M)m) { LearningRate = F(Hyper.Adam.LearningRate), WeightDecay = F(Hyper.Adam.WeightDecay), Beta1 = F(Hyper.Adam.Beta1), Beta2 = F(Hyper.Adam.Beta2), Epsilon = F(Hyper.Adam.Epsilon) },
            _ => new Dense1M.SgdOptimizer((Dense1M)m) { LearningRate = F(Hyper.Sgd.LearningRate), Momentum = F(Hyper.Sgd.Momentum), WeightDecay = F(Hyper.Sgd.WeightDecay) },
        }),
        new("Dense4M", Dense4M.ParameterCount, () => new Dense4M(), (m, k) => k switch
        {
            OptimizerKind.AdamW => new Dense4M.AdamWOptimizer((Dense4M)m) { LearningRate = F(Hyper.AdamW.LearningRate), WeightDecay = F(Hyper.AdamW.WeightDecay), Beta1 = F(Hyper.AdamW.Beta1), Beta2 = F(Hyper.AdamW.Beta2), Epsilon = F(Hyper.AdamW.Epsilon) },
            OptimizerKind.Adam => new Dense4M.AdamOptimizer((Dense4M)m) { LearningRate = F(Hyper.Adam.LearningRate), WeightDecay = F(Hyper.Adam.WeightDecay), Beta1 = F(Hyper.Adam.Beta1), Beta2 = F(Hyper.Adam.Beta2), Epsilon = F(Hyper.Adam.Epsilon) },
            _ => new Dense4M.SgdOptimizer((Dense4M)m) { LearningRate = F(Hyper.Sgd.LearningRate), Momentum = F(Hyper.Sgd.Momentum), WeightDecay = F(Hyper.Sgd.WeightDecay) },
        }),
        new("Tensors20x50", Tensors20x50.ParameterCount, () => new Tensors20x50(), (m, k) => k switch
        {
            OptimizerKind.AdamW => new Tensors20x50.AdamWOptimizer((Tensors20x50)m) { LearningRate = F(Hyper.AdamW.LearningRate), WeightDecay = F(Hyper.AdamW.WeightDecay), Beta1 = F(Hyper.AdamW.Beta1), Beta2 = F(Hyper.AdamW.Beta2), Epsilon = F(Hyper.AdamW.Epsilon) },
            OptimizerKind.Adam => new Tensors20x50.AdamOptimizer((Tensors20x50)m) { LearningRate = F(Hyper.Adam.LearningRate), WeightDecay = F(Hyper.Adam.WeightDecay), Beta1 = F(Hyper.Adam.Beta1), Beta2 = F(Hyper.Adam.Beta2), Epsilon = F(Hyper.Adam.Epsilon) },
            _ => new Tensors20x50.SgdOptimizer((Tensors20x50)m) { LearningRate = F(Hyper.Sgd.LearningRate), Momentum = F(Hyper.Sgd.Momentum), WeightDecay = F(Hyper.Sgd.WeightDecay) },
        }),
    ];

    /// <summary>The layout called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No layout has that name.</exception>
    public static LayoutCase Get(string name)
    {
        foreach (LayoutCase layout in All)
        {
            if (layout.Name == name)
            {
                return layout;
            }
        }

        throw new ArgumentException($"Unknown layout '{name}'.", nameof(name));
    }

    // The generated properties are floats: (float)0.9 is what a user writes as 0.9f, and the
    // generated code recovers the decimal 0.9 from it, as torch would see it.
    private static float F(double value) => (float)value;
}

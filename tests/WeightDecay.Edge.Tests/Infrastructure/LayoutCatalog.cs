using System;
using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Tests.Infrastructure;

/// <summary>Which generated optimizer a test drives.</summary>
public enum OptimizerKind
{
    Sgd,
    Adam,
    AdamW,
}

/// <summary>A tensor as the test expects it to be laid out, written out by hand.</summary>
internal sealed record ExpectedTensor(string Name, int Offset, int[] Shape, bool Decay)
{
    public int Length => Shape.Aggregate(1, (product, dimension) => product * dimension);
}

/// <summary>
/// One test layout: what the test expects of it (hand-written offsets, shapes, decay flags) and how
/// to create it and its optimizers without knowing its static type.
/// </summary>
internal sealed class LayoutCase
{
    private readonly Func<IModelLayout> _newModel;
    private readonly Func<IModelLayout, OptimizerKind, IOptimizer> _newOptimizer;

    public LayoutCase(
        string name,
        int parameterCount,
        ExpectedTensor[] tensors,
        Func<IModelLayout> newModel,
        Func<IModelLayout, OptimizerKind, IOptimizer> newOptimizer)
    {
        Name = name;
        ParameterCount = parameterCount;
        Tensors = tensors;
        _newModel = newModel;
        _newOptimizer = newOptimizer;
    }

    public string Name { get; }

    /// <summary>The expected total, written by hand (not summed from <see cref="Tensors"/>).</summary>
    public int ParameterCount { get; }

    public IReadOnlyList<ExpectedTensor> Tensors { get; }

    public IModelLayout NewModel() => _newModel();

    public IOptimizer NewOptimizer(IModelLayout model, OptimizerKind kind) => _newOptimizer(model, kind);

    /// <summary>Per flat index: whether weight decay applies there, from the hand-written expectations.</summary>
    public bool[] DecayMask()
    {
        var mask = new bool[ParameterCount];
        foreach (ExpectedTensor tensor in Tensors)
        {
            for (int i = 0; i < tensor.Length; i++)
            {
                mask[tensor.Offset + i] = tensor.Decay;
            }
        }

        return mask;
    }

    /// <summary>The tensor holding flat index <paramref name="index"/>, for failure messages.</summary>
    public string Describe(int index)
    {
        foreach (ExpectedTensor tensor in Tensors)
        {
            if (index >= tensor.Offset && index < tensor.Offset + tensor.Length)
            {
                return $"{tensor.Name}[{index - tensor.Offset}] (flat {index}, {(tensor.Decay ? "decayed" : "not decayed")})";
            }
        }

        return $"flat {index} (outside every tensor)";
    }

    public override string ToString() => Name;
}

/// <summary>The layouts declared in Layouts.cs, with their expected facts.</summary>
internal static class LayoutCatalog
{
    public static readonly LayoutCase AllDecay = new(
        nameof(AllDecayLayout),
        67,
        new ExpectedTensor[]
        {
            new("W", 0, new[] { 7, 5 }, true),
            new("K", 35, new[] { 3, 3, 2 }, true),
            new("S", 53, new[] { 1 }, true),
            new("V", 54, new[] { 13 }, true),
        },
        () => new AllDecayLayout(),
        (model, kind) => kind switch
        {
            OptimizerKind.Sgd => new AllDecayLayout.SgdOptimizer((AllDecayLayout)model),
            OptimizerKind.Adam => new AllDecayLayout.AdamOptimizer((AllDecayLayout)model),
            _ => new AllDecayLayout.AdamWOptimizer((AllDecayLayout)model),
        });

    public static readonly LayoutCase Mixed = new(
        nameof(MixedLayout),
        67,
        new ExpectedTensor[]
        {
            new("W", 0, new[] { 7, 5 }, true),
            new("B", 35, new[] { 13 }, false),
            new("K", 48, new[] { 3, 3, 2 }, true),
            new("S", 66, new[] { 1 }, false),
        },
        () => new MixedLayout(),
        (model, kind) => kind switch
        {
            OptimizerKind.Sgd => new MixedLayout.SgdOptimizer((MixedLayout)model),
            OptimizerKind.Adam => new MixedLayout.AdamOptimizer((MixedLayout)model),
            _ => new MixedLayout.AdamWOptimizer((MixedLayout)model),
        });

    public static readonly LayoutCase NoDecayEnds = new(
        nameof(NoDecayEndsLayout),
        68,
        new ExpectedTensor[]
        {
            new("Scale", 0, new[] { 1 }, false),
            new("K", 1, new[] { 3, 3, 2 }, true),
            new("Tiny", 19, new[] { 1 }, true),
            new("W", 20, new[] { 7, 5 }, true),
            new("Bias", 55, new[] { 13 }, false),
        },
        () => new NoDecayEndsLayout(),
        (model, kind) => kind switch
        {
            OptimizerKind.Sgd => new NoDecayEndsLayout.SgdOptimizer((NoDecayEndsLayout)model),
            OptimizerKind.Adam => new NoDecayEndsLayout.AdamOptimizer((NoDecayEndsLayout)model),
            _ => new NoDecayEndsLayout.AdamWOptimizer((NoDecayEndsLayout)model),
        });

    public static readonly LayoutCase Tiny = new(
        nameof(TinyLayout),
        5,
        new ExpectedTensor[]
        {
            new("A", 0, new[] { 1 }, true),
            new("N", 1, new[] { 1 }, false),
            new("Z", 2, new[] { 3 }, true),
        },
        () => new TinyLayout(),
        (model, kind) => kind switch
        {
            OptimizerKind.Sgd => new TinyLayout.SgdOptimizer((TinyLayout)model),
            OptimizerKind.Adam => new TinyLayout.AdamOptimizer((TinyLayout)model),
            _ => new TinyLayout.AdamWOptimizer((TinyLayout)model),
        });

    public static IReadOnlyList<LayoutCase> All { get; } = new[] { AllDecay, Mixed, NoDecayEnds, Tiny };

    public static LayoutCase Get(string name) =>
        All.FirstOrDefault(layout => layout.Name == name) ?? throw new ArgumentException($"No test layout named '{name}'.", nameof(name));
}

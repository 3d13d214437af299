using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Tests.Dense;

/// <summary>
/// Each [Dense] is two ordinary tensors of the layout, in attribute order among the [Tensor]s:
/// {Name}Weight (outputs, inputs), decayed; {Name}Bias (outputs), decayed only with BiasDecay.
/// </summary>
public class DenseLayoutTests
{
    [Fact]
    public void Dense_layers_become_tensors_in_attribute_order()
    {
        Assert.Equal(
            [("HiddenWeight", 0, 2048, "32x64", true), ("HiddenBias", 2048, 32, "32", false), ("OutputWeight", 2080, 320, "10x32", true), ("OutputBias", 2400, 10, "10", false)],
            Describe(new DigitsMlp()));
        Assert.Equal(
            [("HiddenWeight", 0, 15, "5x3", true), ("HiddenBias", 15, 5, "5", false), ("Extra", 20, 4, "2x2", true), ("OutputWeight", 24, 10, "2x5", true), ("OutputBias", 34, 2, "2", false)],
            Describe(new TanhOutputMlp()));
        Assert.Equal([("OnlyWeight", 0, 12, "3x4", true), ("OnlyBias", 12, 3, "3", true)], Describe(new ReluOutputLayer()));
        Assert.Equal(2410, DigitsMlp.ParameterCount);
        Assert.Equal(64, DigitsMlp.InputSize);
        Assert.Equal(10, DigitsMlp.OutputSize);
        Assert.Equal(3, TanhOutputMlp.InputSize);
        Assert.Equal(2, TanhOutputMlp.OutputSize);
    }

    [Theory]
    [MemberData(nameof(DenseValidationTests.Layouts), MemberType = typeof(DenseValidationTests))]
    public void Generated_offsets_are_where_the_reference_expects_them(string layoutName)
    {
        DenseCase layout = DenseCase.Create(layoutName);
        var expected = new Dictionary<string, int>();
        string[] names = layout.GeneratedOffsets.Select(o => o.Name).ToArray();
        int layer = 0;
        foreach (string name in names.Where(n => n.EndsWith("Weight", System.StringComparison.Ordinal)))
        {
            expected[name] = layout.Layers[layer].WeightOffset;
            expected[name[..^"Weight".Length] + "Bias"] = layout.Layers[layer].BiasOffset;
            layer++;
        }

        Assert.Equal(layout.Layers.Length, layer);
        foreach ((string name, int offset) in layout.GeneratedOffsets.Where(o => expected.ContainsKey(o.Name)))
        {
            Assert.Equal(expected[name], offset);
        }
    }

    [Fact]
    public void Biases_are_excluded_from_decay_by_default()
    {
        var model = new DigitsMlp();
        System.Array.Fill(model.Parameters, 1f);
        var optimizer = new DigitsMlp.AdamWOptimizer(model) { LearningRate = 0.1f, WeightDecay = 0.5f };
        optimizer.Step(); // zero gradients: only decay moves anything
        Assert.All(model.HiddenWeight.ToArray(), w => Assert.Equal(0.95f, w, 1e-6f));
        Assert.All(model.OutputWeight.ToArray(), w => Assert.Equal(0.95f, w, 1e-6f));
        Assert.All(model.HiddenBias.ToArray(), b => Assert.Equal(1f, b));
        Assert.All(model.OutputBias.ToArray(), b => Assert.Equal(1f, b));
    }

    private static (string, int, int, string, bool)[] Describe(IModelLayout layout) =>
        layout.Tensors.Select(t => (t.Name, t.Offset, t.Length, string.Join("x", t.Shape), t.Decay)).ToArray();
}

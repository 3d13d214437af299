using System;
using System.Linq;
using WeightDecay.Edge.Tests.Infrastructure;

namespace WeightDecay.Edge.Tests;

/// <summary>
/// The flat layout: sizes, offsets, declaration order, row-major order (torch.cat of flattened
/// tensors), the IModelLayout view of it, and ZeroGrad. Expected numbers are written by hand.
/// </summary>
public class LayoutTests
{
    public static TheoryData<string> LayoutNames() => new(OptionGrid.LayoutNames);

    [Fact]
    public void Constants_match_the_declarations()
    {
        Assert.Equal(67, AllDecayLayout.ParameterCount);
        Assert.Equal((0, 35), (AllDecayLayout.WOffset, AllDecayLayout.WLength));
        Assert.Equal((35, 18), (AllDecayLayout.KOffset, AllDecayLayout.KLength));
        Assert.Equal((53, 1), (AllDecayLayout.SOffset, AllDecayLayout.SLength));
        Assert.Equal((54, 13), (AllDecayLayout.VOffset, AllDecayLayout.VLength));

        Assert.Equal(67, MixedLayout.ParameterCount);
        Assert.Equal((0, 35), (MixedLayout.WOffset, MixedLayout.WLength));
        Assert.Equal((35, 13), (MixedLayout.BOffset, MixedLayout.BLength));
        Assert.Equal((48, 18), (MixedLayout.KOffset, MixedLayout.KLength));
        Assert.Equal((66, 1), (MixedLayout.SOffset, MixedLayout.SLength));

        Assert.Equal(68, NoDecayEndsLayout.ParameterCount);
        Assert.Equal((0, 1), (NoDecayEndsLayout.ScaleOffset, NoDecayEndsLayout.ScaleLength));
        Assert.Equal((1, 18), (NoDecayEndsLayout.KOffset, NoDecayEndsLayout.KLength));
        Assert.Equal((19, 1), (NoDecayEndsLayout.TinyOffset, NoDecayEndsLayout.TinyLength));
        Assert.Equal((20, 35), (NoDecayEndsLayout.WOffset, NoDecayEndsLayout.WLength));
        Assert.Equal((55, 13), (NoDecayEndsLayout.BiasOffset, NoDecayEndsLayout.BiasLength));

        Assert.Equal(5, TinyLayout.ParameterCount);
        Assert.Equal((0, 1), (TinyLayout.AOffset, TinyLayout.ALength));
        Assert.Equal((1, 1), (TinyLayout.NOffset, TinyLayout.NLength));
        Assert.Equal((2, 3), (TinyLayout.ZOffset, TinyLayout.ZLength));
    }

    [Theory]
    [MemberData(nameof(LayoutNames))]
    public void Buffers_have_ParameterCount_entries_and_are_allocated_once(string layoutName)
    {
        LayoutCase layout = LayoutCatalog.Get(layoutName);
        IModelLayout model = layout.NewModel();
        Assert.Equal(layout.ParameterCount, model.Parameters.Length);
        Assert.Equal(layout.ParameterCount, model.Gradients.Length);
        Assert.Same(model.Parameters, model.Parameters);
        Assert.Same(model.Gradients, model.Gradients);
        Assert.NotSame(model.Parameters, model.Gradients);
        Assert.All(model.Parameters, value => Assert.Equal(0f, value));
        Assert.All(model.Gradients, value => Assert.Equal(0f, value));
        Assert.NotSame(model.Parameters, layout.NewModel().Parameters);
    }

    [Theory]
    [MemberData(nameof(LayoutNames))]
    public void Tensors_describe_names_offsets_shapes_and_decay_in_declaration_order(string layoutName)
    {
        LayoutCase layout = LayoutCatalog.Get(layoutName);
        IModelLayout model = layout.NewModel();
        Assert.Equal(layout.Tensors.Count, model.Tensors.Count);
        for (int t = 0; t < layout.Tensors.Count; t++)
        {
            ExpectedTensor expected = layout.Tensors[t];
            TensorInfo actual = model.Tensors[t];
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Offset, actual.Offset);
            Assert.Equal(expected.Length, actual.Length);
            Assert.Equal(expected.Shape, actual.Shape.ToArray());
            Assert.Equal(expected.Decay, actual.Decay);
        }
    }

    [Fact]
    public void Typed_layout_exposes_the_same_buffers_through_IModelLayout()
    {
        var model = new MixedLayout();
        IModelLayout view = model;
        Assert.Same(model.Parameters, view.Parameters);
        Assert.Same(model.Gradients, view.Gradients);
    }

    [Fact]
    public void Views_of_MixedLayout_are_row_major_slices_in_declaration_order()
    {
        var model = new MixedLayout();

        // W is 7x5: element (r, c) is at W offset + r * 5 + c.
        for (int r = 0; r < 7; r++)
        {
            for (int c = 0; c < 5; c++)
            {
                model.W[(r * 5) + c] = 1000 + (10 * r) + c;
                model.WGradient[(r * 5) + c] = -(1000 + (10 * r) + c);
            }
        }

        for (int i = 0; i < 13; i++)
        {
            model.B[i] = 2000 + i;
            model.BGradient[i] = -(2000 + i);
        }

        // K is 3x3x2: element (a, b, c) is at K offset + (a * 3 + b) * 2 + c.
        for (int a = 0; a < 3; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                for (int c = 0; c < 2; c++)
                {
                    model.K[(((a * 3) + b) * 2) + c] = 3000 + (100 * a) + (10 * b) + c;
                    model.KGradient[(((a * 3) + b) * 2) + c] = -(3000 + (100 * a) + (10 * b) + c);
                }
            }
        }

        model.S[0] = 4000;
        model.SGradient[0] = -4000;

        Assert.Equal(35, model.W.Length);
        Assert.Equal(13, model.B.Length);
        Assert.Equal(18, model.K.Length);
        Assert.Equal(1, model.S.Length);

        // Reading the flat buffer with hand-computed indices: W at 0, B at 35, K at 48, S at 66.
        Assert.Equal(1000f, model.Parameters[0]);
        Assert.Equal(1001f, model.Parameters[1]);
        Assert.Equal(1010f, model.Parameters[5]);
        Assert.Equal(1064f, model.Parameters[34]);
        Assert.Equal(2000f, model.Parameters[35]);
        Assert.Equal(2012f, model.Parameters[47]);
        Assert.Equal(3000f, model.Parameters[48]);
        Assert.Equal(3001f, model.Parameters[49]);
        Assert.Equal(3010f, model.Parameters[50]);
        Assert.Equal(3100f, model.Parameters[54]);
        Assert.Equal(3221f, model.Parameters[65]);
        Assert.Equal(4000f, model.Parameters[66]);
        for (int i = 0; i < MixedLayout.ParameterCount; i++)
        {
            Assert.Equal(-model.Parameters[i], model.Gradients[i]);
            Assert.NotEqual(0f, model.Parameters[i]); // every slot written exactly once: no gaps.
        }
    }

    [Fact]
    public void Views_of_every_layout_tile_the_flat_buffers_without_gaps_or_overlap()
    {
        AssertTiling(LayoutCatalog.AllDecay, new AllDecayLayout(), (m, t, g) => t switch
        {
            "W" => g ? m.WGradient : m.W,
            "K" => g ? m.KGradient : m.K,
            "S" => g ? m.SGradient : m.S,
            _ => g ? m.VGradient : m.V,
        });
        AssertTiling(LayoutCatalog.Mixed, new MixedLayout(), (m, t, g) => t switch
        {
            "W" => g ? m.WGradient : m.W,
            "B" => g ? m.BGradient : m.B,
            "K" => g ? m.KGradient : m.K,
            _ => g ? m.SGradient : m.S,
        });
        AssertTiling(LayoutCatalog.NoDecayEnds, new NoDecayEndsLayout(), (m, t, g) => t switch
        {
            "Scale" => g ? m.ScaleGradient : m.Scale,
            "K" => g ? m.KGradient : m.K,
            "Tiny" => g ? m.TinyGradient : m.Tiny,
            "W" => g ? m.WGradient : m.W,
            _ => g ? m.BiasGradient : m.Bias,
        });
        AssertTiling(LayoutCatalog.Tiny, new TinyLayout(), (m, t, g) => t switch
        {
            "A" => g ? m.AGradient : m.A,
            "N" => g ? m.NGradient : m.N,
            _ => g ? m.ZGradient : m.Z,
        });
    }

    [Theory]
    [MemberData(nameof(LayoutNames))]
    public void ZeroGrad_clears_every_gradient_and_leaves_parameters_alone(string layoutName)
    {
        LayoutCase layout = LayoutCatalog.Get(layoutName);
        IModelLayout model = layout.NewModel();
        var random = new Random(61);
        GradientSource.FillRandom(model.Parameters, random);
        float[] parameters = (float[])model.Parameters.Clone();

        GradientSource.FillRandom(model.Gradients, random);
        model.ZeroGrad();
        Assert.All(model.Gradients, value => Assert.Equal(0f, value));
        FloatAssert.BitEqual(parameters, model.Parameters, "Parameters after ZeroGrad");

        foreach (OptimizerKind kind in new[] { OptimizerKind.Sgd, OptimizerKind.Adam, OptimizerKind.AdamW })
        {
            GradientSource.FillRandom(model.Gradients, random);
            layout.NewOptimizer(model, kind).ZeroGrad();
            Assert.All(model.Gradients, value => Assert.Equal(0f, value));
            FloatAssert.BitEqual(parameters, model.Parameters, $"Parameters after {kind}Optimizer.ZeroGrad");
        }
    }

    private delegate Span<float> ViewOf<TModel>(TModel model, string tensor, bool gradient);

    private static void AssertTiling<TModel>(LayoutCase layout, TModel model, ViewOf<TModel> viewOf)
        where TModel : IModelLayout
    {
        for (int t = 0; t < layout.Tensors.Count; t++)
        {
            ExpectedTensor tensor = layout.Tensors[t];
            Span<float> parameters = viewOf(model, tensor.Name, false);
            Span<float> gradients = viewOf(model, tensor.Name, true);
            Assert.Equal(tensor.Length, parameters.Length);
            Assert.Equal(tensor.Length, gradients.Length);
            for (int k = 0; k < tensor.Length; k++)
            {
                parameters[k] += Marker(t, k);
                gradients[k] += Marker(t, k) + 0.5f;
            }
        }

        // With "+=", an index covered twice would hold the sum of two markers; one never covered stays 0.
        var expectedParameters = new float[layout.ParameterCount];
        for (int t = 0; t < layout.Tensors.Count; t++)
        {
            for (int k = 0; k < layout.Tensors[t].Length; k++)
            {
                expectedParameters[layout.Tensors[t].Offset + k] = Marker(t, k);
            }
        }

        Assert.Equal(expectedParameters, model.Parameters);
        Assert.Equal(expectedParameters.Select(value => value + 0.5f), model.Gradients);

        static float Marker(int tensor, int index) => (1000 * (tensor + 1)) + index + 1;
    }
}

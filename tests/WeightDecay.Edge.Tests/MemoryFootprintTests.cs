using System;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests;

/// <summary>The 64-32-10 digits MLP with a generous RAM budget (the build would fail with WDE022 otherwise).</summary>
[ModelLayout(RamBudgetBytes = 64 * 1024)]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU)]
[Dense("Output", 32, 10)]
[Sgd, AdamW]
public partial class RamProbe
{
}

/// <summary>A frozen tensor costs parameters and gradients but no optimizer state.</summary>
[ModelLayout]
[Tensor("Frozen", 10, Trainable = false)]
[Tensor("W", 5)]
[Sgd]
public partial class FrozenRamProbe
{
}

/// <summary>The generated size constants, worked out by hand, and checked against what is really allocated.</summary>
public class MemoryFootprintTests
{
    [Fact]
    public void Digits_mlp_constants_add_up_by_hand()
    {
        // 64*32 + 32 + 32*10 + 10 = 2,410 floats of 4 bytes.
        Assert.Equal(9_640, RamProbe.ParameterBytes);
        Assert.Equal(9_640, RamProbe.GradientBytes);
        Assert.Equal(3 * 9_640, RamProbe.OptimizerStateBytes); // AdamW with AMSGrad: m, v, max v.
        Assert.Equal(2 * (32 + 10) * 4, RamProbe.ActivationBytes); // activations and deltas per layer.
        Assert.Equal(9_640 + 9_640 + 28_920 + 336, RamProbe.RamBytes);
    }

    [Fact]
    public void Frozen_tensors_have_no_optimizer_state()
    {
        Assert.Equal(15 * 4, FrozenRamProbe.ParameterBytes);
        Assert.Equal(15 * 4, FrozenRamProbe.GradientBytes);
        Assert.Equal(5 * 4, FrozenRamProbe.OptimizerStateBytes); // SGD's momentum buffer, trainable W only.
        Assert.Equal(0, FrozenRamProbe.ActivationBytes);
        Assert.Equal((15 + 15 + 5) * 4, FrozenRamProbe.RamBytes);
    }

    [Fact]
    public void Optimizer_state_bytes_cover_what_the_optimizer_allocates()
    {
        var model = new RamProbe();
        // The type's static fields (its run tables, an empty array) are allocated once per process, with the first
        // optimizer: not part of any instance's state.
        GC.KeepAlive(new RamProbe.AdamWOptimizer(new RamProbe()));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var optimizer = new RamProbe.AdamWOptimizer(model) { Amsgrad = true };
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Three float arrays of 2,410 plus object and array headers and the schedule object.
        Assert.InRange(allocated, RamProbe.OptimizerStateBytes, RamProbe.OptimizerStateBytes + 512);
        GC.KeepAlive(optimizer);
    }
}

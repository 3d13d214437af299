namespace WeightDecay.Edge.Benchmarks;

/// <summary>Adam with coupled L2 decay: lr 1e-3, wd 1e-2, betas (0.9, 0.999), eps 1e-8.</summary>
public class AdamBenchmarks : OptimizerBenchmarks
{
    /// <inheritdoc/>
    protected override OptimizerKind Kind => OptimizerKind.Adam;
}

namespace WeightDecay.Edge.Benchmarks;

/// <summary>SGD with momentum 0.9 (no dampening, no Nesterov), coupled L2 decay 1e-4, lr 1e-2.</summary>
public class SgdBenchmarks : OptimizerBenchmarks
{
    /// <inheritdoc/>
    protected override OptimizerKind Kind => OptimizerKind.Sgd;
}

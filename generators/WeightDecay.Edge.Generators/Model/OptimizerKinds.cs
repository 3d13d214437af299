using System;

namespace WeightDecay.Edge.Generators.Model;

/// <summary>The optimizers a layout opts into with <c>[Sgd]</c>, <c>[Adam]</c> and <c>[AdamW]</c>.</summary>
[Flags]
internal enum OptimizerKinds
{
    None = 0,
    Sgd = 1,
    Adam = 2,
    AdamW = 4,
}

// The interpreter-cost probe, compiled for the device here and into the desktop device tests.
using WeightDecay.Edge;

namespace WeightDecay.Edge.Device.Samples
{
    /// <summary>
    /// One decayed tensor whose size is a multiple of the unroll factor: its update is a single
    /// loop, so the IL executed per parameter can be read off the loop body (IlCostTests).
    /// </summary>
    [ModelLayout]
    [Tensor("W", 64, 16)]
    [Sgd, Adam, AdamW]
    public partial class CostProbe
    {
    }
}

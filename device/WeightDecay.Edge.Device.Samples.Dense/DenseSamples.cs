// Dense layouts compiled for both profiles: this file is also compiled into the desktop device
// tests, so forward passes and gradients of the two builds can be compared.
using WeightDecay.Edge;

namespace WeightDecay.Edge.Device.Samples
{
    /// <summary>A small sensor classifier: 12 features, 8 ReLU units, 6 tanh units, 4 classes.</summary>
    [ModelLayout]
    [Dense("Hidden", 12, 8, Activation = Activation.ReLU)]
    [Dense("Mixer", 8, 6, Activation = Activation.Tanh)]
    [Dense("Output", 6, 4)]
    [Sgd, AdamW]
    public partial class SensorMlp
    {
    }

    /// <summary>A regressor with a sigmoid hidden layer, a decayed bias and an extra tensor the passes do not use.</summary>
    [ModelLayout]
    [Dense("Gate", 5, 7, Activation = Activation.Sigmoid, BiasDecay = true)]
    [Tensor("Extra", 3, Decay = false)]
    [Dense("Head", 7, 2)]
    [Adam]
    public partial class GateRegressor
    {
    }
}

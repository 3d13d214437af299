namespace WeightDecay.Edge.Demo;

/// <summary>
/// The digits MLP again, with both weights decayed toward an anchor instead of toward zero (L2-SP,
/// Li et al. 2018): SGD adds λ·(w − a) to their gradient, where a is what <c>CaptureAnchor()</c> copied,
/// here the pre-trained weights. The biases are not decayed, as in <see cref="DigitsMlp"/>. Same tensors,
/// same order, same shapes, so <see cref="DigitsMlp"/>'s parameters copy over as they are; SGD only, the
/// optimizer of the fine-tuning comparison. Its own layout (not an attribute on DigitsMlp) because the soak
/// test compiles DigitsMlp.cs, and an anchor costs 4 bytes of RAM per weight (9,472 bytes here) that the
/// other runs do not need.
/// </summary>
[ModelLayout]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU, DecayTowardAnchor = true)]
[Dense("Output", 32, 10, DecayTowardAnchor = true)]
[Sgd]
public partial class DigitsMlpSp : IDigitsClassifier
{
}

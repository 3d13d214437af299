namespace WeightDecay.Edge.Soak;

/// <summary>
/// The digits MLP of the demo (src/WeightDecay.Edge.Demo/DigitsMlp.cs), declared again here so the
/// soak test owns its layout: 64 pixels -> 32 ReLU units -> 10 logits, 2,410 parameters, weights
/// decayed and biases not, all three optimizers emitted.
/// </summary>
[ModelLayout]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU)]
[Dense("Output", 32, 10)]
[Sgd, Adam, AdamW]
internal sealed partial class DigitsMlp
{
}

namespace WeightDecay.Edge.Demo;

/// <summary>
/// The two-input classifier whose decision regions the demo draws: 2 inputs -> 32 ReLU -> 32 ReLU -> 2
/// logits, 1,218 parameters. Its three weight matrices are decayed, its biases not. Large enough to
/// wrap a boundary around every noisy training point when nothing holds it back.
/// </summary>
[ModelLayout]
[Dense("Hidden1", 2, 32, Activation = Activation.ReLU)]
[Dense("Hidden2", 32, 32, Activation = Activation.ReLU)]
[Dense("Output", 32, 2)]
[AdamW]
public partial class MoonsMlp
{
}

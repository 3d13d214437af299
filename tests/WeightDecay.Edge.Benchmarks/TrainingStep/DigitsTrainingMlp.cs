using WeightDecay.Edge;

namespace WeightDecay.Edge.Benchmarks.TrainingStep;

/// <summary>
/// The 64-32-10 digits MLP with mini-batch passes of up to 256 samples, as the training-step benchmarks
/// train it: ReLU hidden layer, identity logits, AdamW. Its 2,410 parameters sit in the order of
/// <c>torch.nn.Sequential(Linear(64, 32), ReLU(), Linear(32, 10))</c>.
/// </summary>
[ModelLayout(MaxBatchSize = 256)]
[Dense("Hidden", 64, 32, Activation = Activation.ReLU)]
[Dense("Output", 32, 10)]
[AdamW]
public partial class DigitsTrainingMlp
{
}

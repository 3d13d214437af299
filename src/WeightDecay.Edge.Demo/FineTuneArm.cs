namespace WeightDecay.Edge.Demo;

/// <summary>
/// One way to fine-tune the pre-trained digits MLP: its name, the λ values cross-validation chooses from,
/// and how to make its optimizer. <see cref="CreateOptimizer"/> gets a model that already holds the
/// pre-trained weights (so a regulariser that needs them can capture them there) and a λ from the grid.
/// </summary>
internal sealed record FineTuneArm(string Name, float[] Grid, Func<DigitsMlp, float, IOptimizer> CreateOptimizer)
{
    /// <summary>SGD's learning rate for fine-tuning (momentum <see cref="TrainConfig.SgdMomentum"/>).</summary>
    public const float LearningRate = 0.02f;

    /// <summary>
    /// The arms the demo compares. Decay toward the pre-trained weights (L2-SP, issue 11) becomes one more
    /// entry here once the library has it; the experiment, the table and the plot take it as they are.
    /// </summary>
    public static IReadOnlyList<FineTuneArm> All { get; } =
    [
        new("no decay", [0f], static (model, _) => Sgd(model, 0f)),
        new("decay toward zero", [0f, 1e-3f, 3e-3f, 1e-2f, 3e-2f, 0.1f, 0.3f], Sgd),
    ];

    /// <summary>SGD with momentum and coupled L2 toward zero: adds λ·w to the gradient of the weights.</summary>
    private static IOptimizer Sgd(DigitsMlp model, float lambda) =>
        new DigitsMlp.SgdOptimizer(model) { LearningRate = LearningRate, Momentum = TrainConfig.SgdMomentum, WeightDecay = lambda };
}

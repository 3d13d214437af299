namespace WeightDecay.Edge.Demo;

/// <summary>
/// One way to fine-tune the pre-trained digits MLP: its name, the λ values cross-validation chooses from,
/// the layout it trains and how to make its optimizer. <see cref="CreateOptimizer"/> gets a model that
/// already holds the pre-trained weights (so a regulariser that needs them captures them there) and a λ
/// from the grid.
/// </summary>
internal sealed record FineTuneArm(string Name, float[] Grid, Func<IDigitsClassifier> CreateModel, Func<IDigitsClassifier, float, IOptimizer> CreateOptimizer)
{
    /// <summary>SGD's learning rate for fine-tuning (momentum <see cref="TrainConfig.SgdMomentum"/>).</summary>
    public const float LearningRate = 0.02f;

    /// <summary>The λ values both decaying arms choose from.</summary>
    private static readonly float[] s_grid = [0f, 1e-3f, 3e-3f, 1e-2f, 3e-2f, 0.1f, 0.3f, 1f];

    /// <summary>The arms the demo compares: no decay, decay toward zero, decay toward the pre-trained weights (L2-SP).</summary>
    public static IReadOnlyList<FineTuneArm> All { get; } =
    [
        new("no decay", [0f], static () => new DigitsMlp(), static (model, _) => TowardZero(model, 0f)),
        new("decay toward zero", s_grid, static () => new DigitsMlp(), TowardZero),
        new("decay toward pre-trained", s_grid, static () => new DigitsMlpSp(), TowardPreTrained),
    ];

    /// <summary>SGD with momentum and coupled L2 toward zero: adds λ·w to the gradient of the weights.</summary>
    private static IOptimizer TowardZero(IDigitsClassifier model, float lambda) =>
        new DigitsMlp.SgdOptimizer((DigitsMlp)model) { LearningRate = LearningRate, Momentum = TrainConfig.SgdMomentum, WeightDecay = lambda };

    /// <summary>
    /// SGD with momentum and coupled L2 toward the weights the model holds now (the pre-trained ones):
    /// captures them as the anchor, then adds λ·(w − anchor) to the gradient of the weights.
    /// </summary>
    private static IOptimizer TowardPreTrained(IDigitsClassifier model, float lambda)
    {
        var sp = (DigitsMlpSp)model;
        sp.CaptureAnchor();
        return new DigitsMlpSp.SgdOptimizer(sp) { LearningRate = LearningRate, Momentum = TrainConfig.SgdMomentum, WeightDecay = lambda };
    }
}

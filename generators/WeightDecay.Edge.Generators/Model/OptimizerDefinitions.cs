using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Generators.Model;

/// <summary>The three optimizers, each defined once (see <see cref="OptimizerDefinition"/>).</summary>
internal static class OptimizerDefinitions
{
    /// <summary>torch.optim's <c>lr</c>, the same in every optimizer (the base class holds it).</summary>
    public static readonly HyperParameter LearningRate = new("LearningRate", "lr", 1e-3f, Validation.NonNegative, "The learning rate.");

    /// <summary>The clipping threshold, a validated float hyperparameter like the others, last in every checkpoint.</summary>
    public static readonly HyperParameter MaxGradientNorm = new(
        "MaxGradientNorm",
        "max_norm of torch.nn.utils.clip_grad_norm_",
        0f,
        Validation.NonNegative,
        "Gradient clipping by global L2 norm, applied at the start of each Step; 0 (the default) turns it off.");

    /// <summary><c>SkipNonFiniteSteps</c>' bit in the checkpoint option word, the same (2) in every optimizer.</summary>
    public static readonly CheckpointOption SkipNonFiniteOption = new(2, "SkipNonFiniteSteps", "SkipNonFiniteSteps = {0};");

    /// <summary>
    /// <c>Maximize</c>'s bit, the same (16) in every optimizer. Checkpoints written before it existed have the bit clear, so
    /// they load as minimizing, which is what they did.
    /// </summary>
    public static readonly CheckpointOption MaximizeOption = new(16, "_maximize", "_maximize = {0};");

    /// <summary>
    /// <c>FlushSubnormals</c>' bit, the same (32) in every optimizer. Checkpoints written before it existed have the bit
    /// clear and load with the flush off; a checkpoint that leaves it off has the same bytes as before the option existed.
    /// </summary>
    public static readonly CheckpointOption FlushSubnormalsOption = new(32, "_flushSubnormals", "_flushSubnormals = {0};");

    /// <summary>The message SGD's Momentum, Dampening and Nesterov throw with when Nesterov momentum would be ill-defined.</summary>
    public const string NesterovMessage = "\"Nesterov momentum requires Momentum > 0 and Dampening = 0 (set Momentum first).\"";

    /// <summary>torch.optim.SGD: momentum, dampening, Nesterov, coupled L2 weight decay; SGDW and cautious decay as options.</summary>
    public static readonly OptimizerDefinition Sgd = new(
        OptimizerKinds.Sgd,
        "SgdOptimizer",
        CheckpointKind: 1,
        HyperParameters: new[]
        {
            LearningRate,
            new HyperParameter("Momentum", "momentum", 0f, Validation.NonNegative, "The momentum factor; 0 disables momentum.",
                new[]
                {
                    $"if (_nesterov && value == 0f) {{ throw new global::System.ArgumentException({NesterovMessage}, \"Momentum\"); }}",
                    "if (value != 0f && _momentumBuffer == NoState) { _momentumBuffer = new float[TrainableParameterCount]; }",
                }),
            new HyperParameter("Dampening", "dampening", 0f, Validation.None, "Dampening for momentum: the buffer adds (1 - Dampening) times the gradient.",
                new[] { $"if (_nesterov && value != 0f) {{ throw new global::System.ArgumentException({NesterovMessage}, \"Dampening\"); }}" }),
            new HyperParameter("WeightDecay", "weight_decay", 0f, Validation.NonNegative,
                "Coupled L2 weight decay λ: λ·p is added to the gradient of decayed tensors (the penalty (λ/2)·Σp²)."),
            MaxGradientNorm,
        },
        States: new[]
        {
            new OptimizerState("momentum_buffer", "_momentumBuffer", "MomentumBuffer", "b", Optional: true, NonNegative: false,
                "The momentum buffer", ViewPresent: "_momentumBufferInitialized && _momentumBuffer.Length != 0"),
        },
        OptionalStatePresent: "_momentumBuffer != NoState",
        Options: new[]
        {
            new CheckpointOption(1, "_nesterov", "_nesterov = {0};"),
            SkipNonFiniteOption,
            new CheckpointOption(4, "_momentumBufferInitialized", "_momentumBufferInitialized = {0};"),
            new CheckpointOption(8, "_decoupled", "_decoupled = {0};"),
            MaximizeOption,
            FlushSubnormalsOption,
        },
        Consistency: new[]
        {
            ("(options & 1) != 0 && (vMomentum == 0f || vDampening != 0f)", "The checkpoint sets Nesterov with Momentum 0 or Dampening not 0."),
            ("vMomentum != 0f && !withState", "The checkpoint has a non-zero Momentum but no momentum buffer."),
            ("(options & 4) != 0 && !withState", "The checkpoint marks a momentum buffer as started but holds none."),
        });

    /// <summary>torch.optim.Adam, coupled L2 weight decay, with AMSGrad.</summary>
    public static OptimizerDefinition Adam(TargetProfile profile) => AdamFamily(profile, decoupled: false);

    /// <summary>torch.optim.AdamW, decoupled weight decay, with AMSGrad and the paper's decay mode.</summary>
    public static OptimizerDefinition AdamW(TargetProfile profile) => AdamFamily(profile, decoupled: true);

    /// <summary>The definitions of the optimizers <paramref name="kinds"/> opts into, in SGD, Adam, AdamW order.</summary>
    public static IEnumerable<OptimizerDefinition> Of(OptimizerKinds kinds, TargetProfile profile)
    {
        if ((kinds & OptimizerKinds.Sgd) != 0)
        {
            yield return Sgd;
        }

        if ((kinds & OptimizerKinds.Adam) != 0)
        {
            yield return Adam(profile);
        }

        if ((kinds & OptimizerKinds.AdamW) != 0)
        {
            yield return AdamW(profile);
        }
    }

    /// <summary>The most state arrays per trainable scalar any of <paramref name="kinds"/> keeps (its optional one on).</summary>
    public static int MostStateArrays(OptimizerKinds kinds) =>
        Of(kinds, s_anyProfile).Select(definition => definition.States.Count).DefaultIfEmpty(0).Max();

    // The state arrays do not depend on the target; only Adam's epsilon check does.
    private static readonly TargetProfile s_anyProfile = new(HasSpan: true, HasMathF: true, HasSystemMath: true, HasRuntimeLibrary: false, SupportsNullable: true);

    private static OptimizerDefinition AdamFamily(TargetProfile profile, bool decoupled)
    {
        const string Mode = "global::WeightDecay.Edge.DecoupledDecay";
        string decayText = decoupled
            ? "Decoupled weight decay λ: decayed parameters are multiplied by (1 - LearningRate·λ) each step."
            : "Coupled L2 weight decay λ: λ·p is added to the gradient of decayed tensors (the penalty (λ/2)·Σp²).";
        var options = new List<CheckpointOption> { SkipNonFiniteOption, MaximizeOption, FlushSubnormalsOption };
        if (decoupled)
        {
            options.Add(new CheckpointOption(8, $"_decayMode == {Mode}.ScheduleCoupled", $"_decayMode = {{0}} ? {Mode}.ScheduleCoupled : {Mode}.LearningRateCoupled;"));
        }

        return new OptimizerDefinition(
            decoupled ? OptimizerKinds.AdamW : OptimizerKinds.Adam,
            decoupled ? "AdamWOptimizer" : "AdamOptimizer",
            CheckpointKind: decoupled ? 3 : 2,
            HyperParameters: new[]
            {
                LearningRate,
                new HyperParameter("Beta1", "betas[0]", 0.9f, Validation.Beta, "Decay rate of the running average of the gradient."),
                new HyperParameter("Beta2", "betas[1]", 0.999f, Validation.Beta, "Decay rate of the running average of the squared gradient."),
                profile.HasMathF
                    ? new HyperParameter("Epsilon", "eps", 1e-8f, Validation.NonNegative, "Added to the denominator for numerical stability.")
                    : new HyperParameter("Epsilon", "eps", 1e-8f, Validation.Positive, "Added to the denominator for numerical stability; positive here (torch allows 0), because nanoFramework's interpreter throws on the division 0/0 that a zero epsilon would meet."),
                new HyperParameter("WeightDecay", "weight_decay", decoupled ? 1e-2f : 0f, Validation.NonNegative, decayText),
                MaxGradientNorm,
            },
            States: new[]
            {
                new OptimizerState("exp_avg", "_expAvg", "ExpAvg", "m", Optional: false, NonNegative: false,
                    "The running average of the gradient (first moment)"),
                new OptimizerState("exp_avg_sq", "_expAvgSq", "ExpAvgSq", "v", Optional: false, NonNegative: true,
                    "The running average of the squared gradient (second moment)"),
                new OptimizerState("max_exp_avg_sq", "_maxExpAvgSq", "MaxExpAvgSq", "vmax", Optional: true, NonNegative: true,
                    "The running maximum of the second moment (AMSGrad)", ViewPresent: "_amsgrad"),
            },
            OptionalStatePresent: "_amsgrad",
            Options: options,
            Consistency: System.Array.Empty<(string, string)>());
    }
}

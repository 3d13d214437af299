using Microsoft.CodeAnalysis;

namespace WeightDecay.Edge.Generators.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. IDs are stable (<c>WDE0nn</c>), listed in
/// AnalyzerReleases.Shipped.md and docs/diagnostics.md; each message says how to fix the declaration.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "WeightDecay.Edge";

    public static readonly DiagnosticDescriptor LayoutNotPartial = Error(
        "WDE001",
        "Model layout must be partial",
        "The model layout '{0}' must be declared 'partial' so the generator can add its buffers and optimizers: write 'partial class {0}'");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "WDE002",
        "Type containing a model layout must be partial",
        "The model layout '{0}' is nested in '{1}', which is not 'partial': declare '{1}' as 'partial' or move '{0}' out of it");

    public static readonly DiagnosticDescriptor LayoutIsGeneric = Error(
        "WDE003",
        "Model layout must not be generic",
        "The model layout '{0}' is generic (or nested in a generic type), but a layout's sizes are fixed: remove the type parameters");

    public static readonly DiagnosticDescriptor DuplicateTensorName = Error(
        "WDE004",
        "Duplicate tensor name",
        "The model layout '{0}' declares the tensor '{1}' more than once: give each [Tensor] a distinct name");

    public static readonly DiagnosticDescriptor InvalidTensorName = Error(
        "WDE005",
        "Tensor name is not a valid C# identifier",
        "The tensor name '{0}' is not a valid C# identifier (or is a keyword), but members are generated from it: use letters, digits and '_', not starting with a digit");

    public static readonly DiagnosticDescriptor TensorNameCollision = Error(
        "WDE006",
        "Tensor name collides with a generated member",
        "The tensor '{0}' would generate the member '{1}', which {2}: rename the tensor");

    public static readonly DiagnosticDescriptor InvalidDimension = Error(
        "WDE007",
        "Tensor dimension must be positive",
        "The {1} dimension (index {2}) of the tensor '{0}' is {3}, but every dimension must be at least 1: use a positive size");

    public static readonly DiagnosticDescriptor MissingShape = Error(
        "WDE008",
        "Tensor has no shape",
        "The tensor '{0}' declares no dimensions: list its sizes after the name, e.g. [Tensor(\"{0}\", 64, 32)]");

    public static readonly DiagnosticDescriptor SizeOverflow = Error(
        "WDE009",
        "Layout is too large",
        "The model layout '{0}' needs {1} scalars, more than a .NET array can hold (2,147,483,647): shrink the tensors or split the model");

    public static readonly DiagnosticDescriptor NoTensors = Error(
        "WDE010",
        "Model layout declares no tensors",
        "The model layout '{0}' declares no tensors: add at least one [Tensor(\"Name\", sizes...)] attribute");

    public static readonly DiagnosticDescriptor NoOptimizer = Warning(
        "WDE011",
        "Model layout opts into no optimizer",
        "The model layout '{0}' opts into no optimizer, so only its buffers are generated: add [Sgd], [Adam] or [AdamW] to get an optimizer");

    public static readonly DiagnosticDescriptor LayoutIsStatic = Error(
        "WDE012",
        "Model layout must not be static",
        "The model layout '{0}' is static, but a layout holds per-instance buffers: remove 'static'");

    public static readonly DiagnosticDescriptor MissingTensorName = Error(
        "WDE013",
        "Tensor has no name",
        "A [Tensor] on '{0}' has a null or empty name: pass the tensor's name as the first argument");

    public static readonly DiagnosticDescriptor DenseSizesDoNotChain = Error(
        "WDE014",
        "Dense layer sizes do not chain",
        "The dense layer '{0}' takes {1} inputs, but the layer before it, '{2}', has {3} outputs: make each [Dense]'s inputs equal the previous [Dense]'s outputs");

    public static readonly DiagnosticDescriptor InvalidDenseSize = Error(
        "WDE015",
        "Dense layer size must be positive",
        "The dense layer '{0}' has {1} {2}, but a dense layer needs at least 1: use a positive size, e.g. [Dense(\"{0}\", 64, 32)]");

    public static readonly DiagnosticDescriptor InvalidDenseName = Error(
        "WDE016",
        "Dense layer name is not a valid C# identifier",
        "The dense layer name '{0}' is not a valid C# identifier (or is empty or a keyword), but tensors and members are generated from it: use letters, digits and '_', not starting with a digit");

    public static readonly DiagnosticDescriptor DenseNameCollision = Error(
        "WDE017",
        "Dense layer name collides with another generated member",
        "The dense layer '{0}' would generate the member '{1}', which {2}: rename the layer (or the clashing tensor or member)");

    public static readonly DiagnosticDescriptor UnknownActivation = Error(
        "WDE018",
        "Unknown dense layer activation",
        "The dense layer '{0}' uses the activation value {1}, which is not a member of Activation: use Activation.Identity, ReLU, Tanh or Sigmoid");

    public static readonly DiagnosticDescriptor LayoutDerivesFromLayout = Error(
        "WDE019",
        "Model layout must not derive from another model layout",
        "The model layout '{0}' derives from the model layout '{1}', whose generated members it would hide: derive from a class that is not a layout, or declare all tensors on one layout");

    public static readonly DiagnosticDescriptor LayoutNamedLikeMember = Error(
        "WDE020",
        "Model layout is named like a generated member",
        "The model layout '{0}' has the name of a member every layout generates, and a member cannot be named like its class: rename the class");

    public static readonly DiagnosticDescriptor LayoutDeclaresGeneratedMember = Error(
        "WDE021",
        "Model layout declares a member the generator adds",
        "The model layout '{0}' declares '{1}', which the generator adds to every layout: rename or remove the member");

    public static readonly DiagnosticDescriptor RamBudgetExceeded = Error(
        "WDE022",
        "Model layout exceeds its RAM budget",
        "The model layout '{0}' needs {1} bytes of RAM (parameters {2}, gradients {3}, optimizer state {4}, activations {5}{7}), over its budget of {6} bytes: shrink or freeze tensors, drop an optimizer, or raise RamBudgetBytes");

    public static readonly DiagnosticDescriptor FlashBudgetExceeded = Error(
        "WDE023",
        "Model layout exceeds its flash budget",
        "The model layout '{0}' generates an estimated {1} bytes of device IL (layout {2}, dense passes {3}, optimizers {4}, checkpoints {5}; the shared types add about {6} once per assembly), over its budget of {7} bytes: drop an optimizer, or raise FlashBudgetBytes");

    public static readonly DiagnosticDescriptor DeviceCodeNearFlashCap = Warning(
        "WDE024",
        "Generated device code is near the 64 KiB cap of a nanoFramework assembly",
        "The code generated for this nanoFramework assembly is an estimated {0} bytes of IL (its {1} layouts {2}, the shared types {3}), over 48 KiB: one .pe holds at most 64 KiB of bytecode (about 0.84 x the IL), shared with the firmware's own code, and the metadata processor rejects an assembly over it. Split the layouts across assemblies or drop optimizers");

    public static readonly DiagnosticDescriptor AttributeWithoutModelLayout = Warning(
        "WDE025",
        "Layout attribute on a class that is not a model layout",
        "The attribute [{0}] on '{1}' has no effect, because '{1}' is not marked [ModelLayout]: add [ModelLayout] to '{1}' (or remove the attribute)");

    public static readonly DiagnosticDescriptor LayoutIsRecord = Error(
        "WDE026",
        "Model layout must not be a record",
        "The model layout '{0}' is a record, whose copies ('with') and value equality would share and compare its buffers by reference: declare it as 'partial class {0}'");

    public static readonly DiagnosticDescriptor InvalidTensorInit = Error(
        "WDE027",
        "Tensor initialisation is out of range",
        "The tensor '{0}' sets {1} = {2}, but Init must be a TensorInit member and InitBound (Uniform) or InitStd (Normal) a positive finite number: e.g. [Tensor(\"{0}\", 64, Init = TensorInit.Uniform, InitBound = 0.1f)]");

    public static readonly DiagnosticDescriptor InvalidMaxBatchSize = Error(
        "WDE028",
        "MaxBatchSize is out of range",
        "The model layout '{0}' sets MaxBatchSize = {1}, but {2}: use 0 (no mini-batch methods) or a positive size on a layout with [Dense] layers, e.g. [ModelLayout(MaxBatchSize = 32)]");

    public static readonly DiagnosticDescriptor InvalidConstraint = Error(
        "WDE029",
        "Regulariser value is out of range",
        "The tensor '{0}' sets {1} = {2}, but {3}: e.g. [Tensor(\"{0}\", 64, 32, L1 = 1e-4f, MaxNorm = 3f, DecayTowardAnchor = true)] on a trainable, decayed tensor");

    public static readonly DiagnosticDescriptor InvalidGradientAccumulation = Error(
        "WDE031",
        "GradientAccumulationSteps is out of range",
        "The model layout '{0}' sets GradientAccumulationSteps = {1}, but it must be at least 1 (1, the default, updates on every Step): e.g. [ModelLayout(GradientAccumulationSteps = 4)]");
    public static readonly DiagnosticDescriptor InvalidOptimizerOption = Error(
        "WDE030",
        "Optimizer option is invalid",
        "The model layout '{0}' sets [{4}({1} = {2})], but {3}: write [{4}({1} = true)] on a layout with at least one trainable, decayed tensor, or remove the option");

    public static readonly DiagnosticDescriptor InvalidEmaDecay = Error(
        "WDE032",
        "EmaDecay is out of range",
        "The model layout '{0}' sets EmaDecay = {1}, but it must be 0 (no average, the default) or between 0 and 1, both excluded: e.g. [ModelLayout(EmaDecay = 0.999f)]");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);
}

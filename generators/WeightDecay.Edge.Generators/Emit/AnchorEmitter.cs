using System.Collections.Generic;
using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// The anchor of tensors declared <c>DecayTowardAnchor = true</c> (L2-SP, FedProx): one buffer on the layout that holds,
/// packed in declaration order, a reference value for each anchored parameter, which weight decay pulls toward instead
/// of zero. The layout gets the buffer, <c>CaptureAnchor()</c> (from its own parameters: the pre-trained model before
/// fine-tuning) and <c>SetAnchorFrom(parameters)</c> (from another model's flat parameters: the global model of a
/// federated round); the optimizers' anchored kernels read it (see <see cref="UpdateLoopEmitter"/>), checkpoints save it
/// after the parameters, and <c>DecayedSquaredNorm()</c> measures Σ(p − a)² on anchored tensors. A layout without an
/// anchored tensor gets none of this.
/// </summary>
internal static class AnchorEmitter
{
    /// <summary>Whether any tensor decays toward the anchor.</summary>
    public static bool HasAnchor(LayoutSpec layout) => layout.AnchoredParameterCount > 0;

    /// <summary>The anchored runs: adjacent anchored tensors, each with its place in the anchor.</summary>
    public static IEnumerable<UpdateLoopEmitter.Run> AnchoredRuns(LayoutSpec layout) =>
        UpdateLoopEmitter.TrainableRuns(layout).Where(run => run.Decay == UpdateLoopEmitter.DecayTarget.Anchor);

    // public const int AnchoredParameterCount = 2048;
    // public readonly float[] Anchor = new float[AnchoredParameterCount];
    // public void CaptureAnchor() { CopyIntoAnchor(Parameters); }
    // public void SetAnchorFrom(float[] parameters) { <checks>; CopyIntoAnchor(parameters); }
    // private void CopyIntoAnchor(float[] source) { global::System.Array.Copy(source, 0, Anchor, 0, 2048); ... }
    public static void WriteLayoutMembers(CodeWriter writer, LayoutSpec layout, TargetProfile profile)
    {
        if (!HasAnchor(layout))
        {
            return;
        }

        string names = string.Join(", ", layout.Tensors.Where(tensor => tensor.Anchored).Select(tensor => tensor.Name));
        writer.Line();
        writer.Line($"/// <summary>Number of parameters decayed toward the anchor (<c>DecayTowardAnchor</c>: {names}): {Literals.Int(layout.AnchoredParameterCount)}.</summary>");
        writer.Line($"public const int AnchoredParameterCount = {Literals.Int(layout.AnchoredParameterCount)};");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line($"/// The values weight decay pulls the anchored tensors ({names}) toward, packed in declaration order: each optimizer's");
        writer.Line("/// <c>WeightDecay</c> λ adds λ·(p − a) to their gradients (SGD, Adam) or moves them by −lr_t·λ·(p − a) (AdamW). Zero");
        writer.Line("/// until <see cref=\"CaptureAnchor\"/> or <see cref=\"SetAnchorFrom(float[])\"/> sets it, so that anchored tensors decay");
        writer.Line("/// toward zero until then. Saved in checkpoints. Allocated once: 4 bytes per anchored parameter.");
        writer.Line("/// </summary>");
        writer.Line("public readonly float[] Anchor = new float[AnchoredParameterCount];");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Sets the anchor to the anchored tensors' current parameters: call it once the pre-trained weights are loaded, before");
        writer.Line("/// fine-tuning (L2-SP), or at the start of each federated round (FedProx). Allocates nothing.");
        writer.Line("/// </summary>");
        using (writer.OpenBlock("public void CaptureAnchor()"))
        {
            writer.Line("CopyIntoAnchor(Parameters);");
        }

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Sets the anchor from another model's flat parameters (the pre-trained or the global model, in this layout): the");
        writer.Line("/// anchored tensors' slices of <paramref name=\"parameters\"/> are copied. Allocates nothing.");
        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"parameters\">Exactly <see cref=\"ParameterCount\"/> finite values, in the flat layout of <see cref=\"Parameters\"/>.</param>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"parameters\"/> is null.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">Its length is not <see cref=\"ParameterCount\"/>, or a value is NaN or infinite; the anchor is unchanged.</exception>");
        using (writer.OpenBlock("public void SetAnchorFrom(float[] parameters)"))
        {
            writer.Line("global::WeightDecay.Edge.Generated.Buffers.RequireLength(parameters, ParameterCount, \"parameters\");");
            writer.Line("global::WeightDecay.Edge.Generated.Buffers.RequireFinite(parameters, \"parameters\");");
            writer.Line("CopyIntoAnchor(parameters);");
        }

        writer.Line();
        using (writer.OpenBlock("private void CopyIntoAnchor(float[] source)"))
        {
            foreach (UpdateLoopEmitter.Run run in AnchoredRuns(layout))
            {
                writer.Line($"global::System.Array.Copy(source, {Literals.Int(run.Start)}, Anchor, {Literals.Int(run.Start - run.AnchorShift)}, {Literals.Int(run.Length)}); // {run.Description}");
            }
        }

        if (!profile.HasSpan)
        {
            return;
        }

        foreach (TensorSpec tensor in layout.Tensors.Where(tensor => tensor.Anchored))
        {
            UpdateLoopEmitter.Run run = AnchoredRuns(layout).First(r => r.Start <= tensor.Offset && tensor.Offset < r.End);
            writer.Line();
            writer.Line($"/// <summary>The anchor of {UpdateLoopEmitter.Describe(tensor)}, row-major: a view of its slice of <see cref=\"Anchor\"/>.</summary>");
            writer.Line($"public global::System.Span<float> {tensor.Name}Anchor => new global::System.Span<float>(Anchor, {Literals.Int(tensor.Offset - run.AnchorShift)}, {tensor.Name}Length);");
        }
    }

    /// <summary>The loop of <c>DecayedSquaredNorm()</c> over an anchored run: Σ(p − a)², in double, times <paramref name="factor"/> (<c>"2.0 * "</c> or empty).</summary>
    public static void WriteSquaredDistance(CodeWriter writer, UpdateLoopEmitter.Run run, string factor)
    {
        writer.Line($"// {run.Description}, from the anchor");
        using (writer.OpenBlock($"for (int i = {Literals.Int(run.Start)}, k = {Literals.Int(run.Start - run.AnchorShift)}; i < {Literals.Int(run.End)}; i++, k++)"))
        {
            writer.Line("double w = (double)p[i] - Anchor[k];");
            writer.Line($"sum += {factor}w * w;");
        }
    }
}

using System.Linq;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// The regularisers a tensor declares that act on the weights after an update, not on the gradient: a proximal L1
/// step (<c>L1 = λ₁</c>) and a max-norm projection of each row (<c>MaxNorm = c</c>). The layout gets one private
/// <c>ApplyConstraints(learningRate)</c> that every optimizer's <c>Step()</c> calls after its update (and before the
/// subnormal flush), and two reporting members for every layout: <c>CountZeros(tensorIndex)</c> and <c>L1Penalty()</c>.
/// Loops over constant ranges, scalar on both profiles: the passes touch each constrained weight once per step.
/// </summary>
internal static class ConstraintEmitter
{
    /// <summary>Whether any tensor declares a constraint, so that <c>Step()</c> must call <c>ApplyConstraints</c>.</summary>
    public static bool HasConstraints(LayoutSpec layout) => layout.Tensors.Any(tensor => tensor.HasConstraint);

    /// <summary>The call every optimizer's <c>Step()</c> makes after its update, with lr_t in double.</summary>
    public static void WriteStepCall(CodeWriter writer, LayoutSpec layout)
    {
        if (HasConstraints(layout))
        {
            writer.Line("_model.ApplyConstraints(learningRate);");
        }
    }

    // public int CountZeros(int tensorIndex) { switch (tensorIndex) { case 0: return CountZeros(0, 6); ... } }
    // public double L1Penalty() { double sum = 0.0; sum += 1E-04 * AbsoluteSum(0, 6); return sum; }
    // private void ApplyConstraints(double learningRate)
    // {
    //     float[] p = Parameters;
    //     ShrinkTowardZero(p, 0, 6, (float)(learningRate * 0.0001)); // W
    //     LimitRowNorms(p, 0, 2, 3, 3.0);                             // W: 2 rows of 3
    // λ₁ and the limit are written as the decimals their floats stand for, as the hyperparameters (torch's are doubles).
    // }
    public static void WriteLayoutMembers(CodeWriter writer, LayoutSpec layout, TargetProfile profile)
    {
        var math = new ScalarMath(profile);
        WriteCountZeros(writer, layout);
        WriteL1Penalty(writer, layout);
        if (!HasConstraints(layout))
        {
            return;
        }

        writer.Line();
        writer.Line("// After each optimizer update, in declaration order: the proximal L1 step, then the row-norm limit.");
        using (writer.OpenBlock("private void ApplyConstraints(double learningRate)"))
        {
            writer.Line("float[] p = Parameters;");
            foreach (TensorSpec tensor in layout.Tensors.Where(tensor => tensor.HasConstraint))
            {
                if (tensor.L1 != 0f)
                {
                    writer.Line($"ShrinkTowardZero(p, {Literals.Int(tensor.Offset)}, {Literals.Int(tensor.Offset + tensor.Length)}, (float)(learningRate{LearningRateFactor(tensor)} * {Literals.DecimalOf(tensor.L1)})); // {tensor.Name}");
                }

                if (tensor.MaxNorm != 0f)
                {
                    int rows = tensor.Shape[0];
                    writer.Line($"LimitRowNorms(p, {Literals.Int(tensor.Offset)}, {Literals.Int(rows)}, {Literals.Int(tensor.Length / rows)}, {Literals.DecimalOf(tensor.MaxNorm)}); // {tensor.Name}");
                }
            }
        }

        if (layout.Tensors.Any(tensor => tensor.L1 != 0f))
        {
            WriteShrinkTowardZero(writer, profile);
        }

        if (layout.Tensors.Any(tensor => tensor.MaxNorm != 0f))
        {
            WriteLimitRowNorms(writer, profile, math);
        }
    }

    private static void WriteCountZeros(CodeWriter writer, LayoutSpec layout)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The number of parameters of the tensor at <paramref name=\"tensorIndex\"/> (declaration order) that are exactly");
        writer.Line("/// zero (+0 or -0): what a proximal L1 step (<c>L1 = λ₁</c>) prunes. Allocates nothing.");
        writer.Line("/// </summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">No tensor has that index.</exception>");
        using (writer.OpenBlock("public int CountZeros(int tensorIndex)"))
        {
            using (writer.OpenBlock("switch (tensorIndex)"))
            {
                for (int t = 0; t < layout.Tensors.Count; t++)
                {
                    TensorSpec tensor = layout.Tensors[t];
                    writer.Line($"case {Literals.Int(t)}: return CountZeros({Literals.Int(tensor.Offset)}, {Literals.Int(tensor.Offset + tensor.Length)});");
                }

                writer.Line($"default: throw new global::System.ArgumentOutOfRangeException(\"tensorIndex\", \"The layout has {Literals.Int(layout.Tensors.Count)} tensors, indexed from 0.\");");
            }
        }

        writer.Line();
        using (writer.OpenBlock("private int CountZeros(int start, int end)"))
        {
            writer.Line("float[] p = Parameters;");
            writer.Line("int count = 0;");
            using (writer.OpenBlock("for (int i = start; i < end; i++)"))
            {
                using (writer.OpenBlock("if (p[i] == 0f)"))
                {
                    writer.Line("count++;");
                }
            }

            writer.Line();
            writer.Line("return count;");
        }
    }

    private static void WriteL1Penalty(CodeWriter writer, LayoutSpec layout)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The L1 penalty Σ λ₁·|w| over the tensors that declare <c>L1 = λ₁</c>, in double, for reporting the regularised");
        writer.Line("/// loss (0 when none does). The proximal step after each update is this penalty's proximal operator, scaled by lr_t.");
        writer.Line("/// </summary>");
        if (!layout.Tensors.Any(tensor => tensor.L1 != 0f))
        {
            writer.Line("public double L1Penalty() => 0.0;");
            return;
        }

        using (writer.OpenBlock("public double L1Penalty()"))
        {

            writer.Line("double sum = 0.0;");
            writer.Line("float[] p = Parameters;");
            writer.Line("double absolute;");

            foreach (TensorSpec tensor in layout.Tensors.Where(tensor => tensor.L1 != 0f))
            {
                writer.Line($"absolute = 0.0; // {tensor.Name}");
                using (writer.OpenBlock($"for (int i = {Literals.Int(tensor.Offset)}; i < {Literals.Int(tensor.Offset + tensor.Length)}; i++)"))
                {
                    writer.Line("float w = p[i];");
                    writer.Line("absolute += w < 0f ? -w : w;");
                }

                writer.Line($"sum += {Literals.DecimalOf(tensor.L1)} * absolute;");
            }

            writer.Line();
            writer.Line("return sum;");
        }
    }

    // w ← sign(w)·max(|w| − t, 0), as torch.sign(w) * torch.clamp(w.abs() - t, min=0): a weight that reaches zero is
    // -0 if it was negative (sign −1 times +0) and +0 otherwise; NaN and infinities stay as they are.
    // The tensor's learning-rate scale as a factor on the step's lr_t (" * 0.5"), or nothing: the threshold is the tensor's
    // own lr_t·λ₁, as its parameter group's lr.
    private static string LearningRateFactor(TensorSpec tensor) =>
        tensor.LearningRateScale == 1f ? string.Empty : " * " + Literals.DecimalOf(tensor.LearningRateScale);

    private static void WriteShrinkTowardZero(CodeWriter writer, TargetProfile profile)
    {
        string isNaN = profile.HasMathF ? "float.IsNaN(shrunk)" : $"{OptimizerEmitter.HyperParametersClass}.IsNaN(shrunk)";
        writer.Line();
        using (writer.OpenBlock("private static void ShrinkTowardZero(float[] p, int start, int end, float threshold)"))
        {
            using (writer.OpenBlock("for (int i = start; i < end; i++)"))
            {
                writer.Line("float w = p[i];");
                writer.Line("float shrunk = (w < 0f ? -w : w) - threshold;");
                // IsNaN first, and only < and == on floats: nanoCLR may find NaN above any bound (device/README.md).
                using (writer.OpenBlock($"if ({isNaN})"))
                {
                    writer.Line("continue;");
                }

                writer.Line("p[i] = 0f < shrunk ? (w < 0f ? -shrunk : shrunk) : (w < 0f ? -0f : 0f);");
            }
        }
    }

    // As torch.renorm(w, p=2, dim=0, maxnorm): a row whose norm exceeds the limit is scaled by maxnorm / (norm + 1e-7).
    // The norm is summed in double (torch sums in float), so the factor can differ from torch's in its last bit.
    private static void WriteLimitRowNorms(CodeWriter writer, TargetProfile profile, ScalarMath math)
    {
        string isNaN = profile.HasMathF ? "double.IsNaN(norm)" : $"{OptimizerEmitter.HyperParametersClass}.IsNaN(norm)";
        writer.Line();
        using (writer.OpenBlock("private static void LimitRowNorms(float[] p, int start, int rows, int rowLength, double maxNorm)"))
        {
            using (writer.OpenBlock("for (int row = 0; row < rows; row++)"))
            {
                writer.Line("int first = start + (row * rowLength);");
                writer.Line("int end = first + rowLength;");
                writer.Line("double sum = 0.0;");
                using (writer.OpenBlock("for (int i = first; i < end; i++)"))
                {
                    writer.Line("double w = p[i];");
                    writer.Line("sum += w * w;");
                }

                writer.Line($"double norm = {math.SqrtDouble("sum")};");
                using (writer.OpenBlock($"if ({isNaN} || !(maxNorm < norm))"))
                {
                    writer.Line("continue;");
                }

                writer.Line("float factor = (float)(maxNorm / (norm + 1e-7));");
                using (writer.OpenBlock("for (int i = first; i < end; i++)"))
                {
                    writer.Line("p[i] *= factor;");
                }
            }
        }
    }
}

using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Cautious weight decay for AdamW (Chen et al. 2025, arXiv 2510.12402; <c>[AdamW(CautiousWeightDecay = true)]</c>):
/// x ← x − η·(u + λ·I(u ⊙ x ≥ 0) ⊙ x), the decoupled decay applied only where the update u and the parameter do not
/// have strictly opposite signs. u = m̂ / (sqrt(v̂) + ε) has the sign of the new first moment m (the denominator and the
/// bias correction are positive, and m already carries maximize's sign), so the mask is decided from m and the
/// parameter before decay, and the element rule reads its parameter, computes m, and only then decays:
/// <code>
/// old = p[i]
/// m = beta1 * m + (1 - beta1) * g
/// opposite = (m &lt; 0 &amp;&amp; 0 &lt; old) || (0 &lt; m &amp;&amp; old &lt; 0)      (a zero or a NaN: not opposite, so decayed)
/// p = opposite ? old : old * decayFactor                      (toward zero, as torch's p.mul_(1 - lr·λ))
/// p = opposite ? old : (old - a) * negAnchorDecay + old         (toward the anchor: the sign of old − a instead)
/// </code>
/// Where no sign disagrees this is AdamW's own arithmetic, bit for bit; where one does, the parameter enters the Adam step
/// as it was, as with λ = 0. Undecayed runs share the decayed kernel with decayFactor = 1, where both choices are p.
/// </summary>
internal static class CautiousDecayEmitter
{
    /// <summary>Whether <paramref name="element"/> of an AdamW kernel takes the cautious rule: a decayed kernel of a layout that sets it.</summary>
    public static bool Applies(LayoutSpec layout, bool decoupled, UpdateLoopEmitter.Element element) =>
        decoupled && layout.CautiousWeightDecay && element.Decay != UpdateLoopEmitter.DecayTarget.None;

    /// <summary>The local holding the parameter before decay: <c>old0</c>.</summary>
    public static string WriteOld(CodeWriter writer, UpdateLoopEmitter.Element element)
    {
        KernelDialect k = element.Kernel;
        writer.Line($"{k.Type} old{element.Suffix} = {k.Load("p", element.Index)}; // decayed below, after m");
        return "old" + element.Suffix;
    }

    /// <summary>Writes <c>p0</c>, the decayed parameter, from <c>old0</c> and the new first moment <paramref name="moment"/>.</summary>
    public static void WriteDecay(CodeWriter writer, UpdateLoopEmitter.Element element, string old, string moment)
    {
        KernelDialect k = element.Kernel;
        string s = element.Suffix;
        string sign = old, decayed = $"{old} * {k.Scalar("decayFactor")}";
        if (element.Decay == UpdateLoopEmitter.DecayTarget.Anchor)
        {
            sign = element.WriteDrift(writer, old);
            decayed = k.Fma(sign, k.Scalar("negAnchorDecay"), old);
        }

        string opposite = k.WriteOppositeSigns(writer, moment, sign, s);
        writer.Line($"{k.Type} p{s} = {k.Select(opposite, old, decayed)};");
    }
}

#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>Opts a layout into a generated <c>SgdOptimizer</c> (torch.optim.SGD).</summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class SgdAttribute : global::System.Attribute
    {
        /// <summary>
        /// Whether SGDW's decoupled weight decay (<c>SgdOptimizer.Decoupled = true</c>) is cautious (Chen et al. 2025, as
        /// <see cref="AdamWAttribute.CautiousWeightDecay"/>; default false): a decayed coordinate is decayed in a step only
        /// where the step's direction (the gradient, the momentum buffer or the Nesterov direction) and the parameter (or
        /// p − a, toward the anchor) do not have strictly opposite signs. No effect while <c>Decoupled</c> is false: the
        /// coupled decay is part of the gradient, and the paper defines none for it. Compile-time.
        /// </summary>
        public bool CautiousWeightDecay { get; set; }
    }

    /// <summary>Opts a layout into a generated <c>AdamOptimizer</c> (torch.optim.Adam, coupled L2 decay).</summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AdamAttribute : global::System.Attribute
    {
    }

    /// <summary>Opts a layout into a generated <c>AdamWOptimizer</c> (torch.optim.AdamW, decoupled decay).</summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class AdamWAttribute : global::System.Attribute
    {
        /// <summary>
        /// Whether the decoupled weight decay is cautious (Chen et al. 2025, "Cautious Weight Decay", arXiv 2510.12402;
        /// default false): a decayed coordinate is decayed in a step only where the Adam update and the parameter have
        /// the same sign, so that both pull it toward zero; where their signs are strictly opposite the decay is skipped
        /// for that step. Exact zeros count as agreeing (decayed: the indicator of u·p ≥ 0 includes 0), and so does a NaN
        /// (whose comparisons are false; the new parameter is NaN either way). For a tensor with
        /// <c>DecayTowardAnchor = true</c> the sign compared is that of p − a. Undecayed tensors are unaffected, and both
        /// <c>DecayMode</c>s and AMSGrad work with it. Compile-time: a layout that does not set it gets the same code as
        /// before. torch.optim has no such option; see docs/regularisers.md.
        /// </summary>
        public bool CautiousWeightDecay { get; set; }
    }
}

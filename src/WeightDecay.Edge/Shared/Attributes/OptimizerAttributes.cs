#nullable disable

namespace WeightDecay.Edge
{
    /// <summary>Opts a layout into a generated <c>SgdOptimizer</c> (torch.optim.SGD).</summary>
    [global::System.AttributeUsage(global::System.AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
    public sealed class SgdAttribute : global::System.Attribute
    {
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
    }
}

using WeightDecay.Edge;

namespace WeightDecay.Edge.Tests;

[ModelLayout]
[Tensor("W", 2, 3)]
[Tensor("B", 3, Decay = false)]
[Sgd]
public partial class SmokeLayout
{
}

public class SmokeTests
{
    [Fact]
    public void Layout_constants_follow_declaration_order()
    {
        Assert.Equal(9, SmokeLayout.ParameterCount);
        Assert.Equal(6, SmokeLayout.BOffset);
        Assert.Equal(System.Environment.Version.Major, System.Environment.Version.Major);
    }
}

namespace WeightDecay.Edge.Generators.Tests;

public class SmokeTests
{
    [Fact]
    public void Runs()
    {
        Assert.True(System.Environment.Version.Major >= 8);
    }
}

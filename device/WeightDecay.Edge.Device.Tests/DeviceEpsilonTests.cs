using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// nanoCLR throws on a float division by zero (measured on the interpreter; device/README.md), so a
/// zero epsilon, which torch allows, would throw from inside Step() at the first parameter whose
/// gradients have all been zero, with the parameters before it already updated. The device build
/// refuses it when it is set instead; the desktop build keeps torch's rule.
/// </summary>
public class DeviceEpsilonTests
{
    [Theory]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void The_device_build_refuses_a_zero_epsilon_and_keeps_the_old_one(string optimizerName)
    {
        object optimizer = Create(DeviceAssembly.GetType("WeightDecay.Edge.Device.Samples.KeywordHead"), optimizerName);
        PropertyInfo epsilon = optimizer.GetType().GetProperty("Epsilon")!;

        TargetInvocationException thrown = Assert.Throws<TargetInvocationException>(() => epsilon.SetValue(optimizer, 0f));
        ArgumentOutOfRangeException refusal = Assert.IsType<ArgumentOutOfRangeException>(thrown.InnerException);
        Assert.Equal("Epsilon", refusal.ParamName);
        Assert.Contains("must be positive", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(1e-8f, (float)epsilon.GetValue(optimizer)!);

        epsilon.SetValue(optimizer, float.Epsilon); // the smallest positive float is fine
        Assert.Equal(float.Epsilon, (float)epsilon.GetValue(optimizer)!);
    }

    [Theory]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void The_desktop_build_of_the_same_layout_allows_zero_as_torch_does(string optimizerName)
    {
        object optimizer = Create(typeof(WeightDecay.Edge.Device.Samples.KeywordHead), optimizerName);
        PropertyInfo epsilon = optimizer.GetType().GetProperty("Epsilon")!;
        epsilon.SetValue(optimizer, 0f);
        Assert.Equal(0f, (float)epsilon.GetValue(optimizer)!);
    }

    private static object Create(Type layoutType, string optimizerName) =>
        Activator.CreateInstance(layoutType.GetNestedType(optimizerName)!, Activator.CreateInstance(layoutType))!;
}

using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// The device build draws the same initial parameters as the desktop build, bit for bit: the
/// constructor's (seed <c>InitSeed</c>) and <c>ResetParameters(seed)</c>'s. Both run the same
/// integer SplitMix64 and one float multiply per value, so no tolerance is needed.
/// </summary>
public class DeviceInitializationTests
{
    [Theory]
    [InlineData("SensorMlp")]
    [InlineData("GateRegressor")]
    public void Constructor_draws_the_same_bits_on_device_and_desktop(string layout)
    {
        float[] desktop = Parameters(Activator.CreateInstance(DesktopType(layout))!);
        float[] device = Parameters(Activator.CreateInstance(DeviceType(layout))!);
        Assert.NotSame(DesktopType(layout).Assembly, DeviceType(layout).Assembly);
        AssertSameBits(desktop, device);
        Assert.Contains(device, value => value != 0f); // the dense tensors are drawn, not zero
    }

    [Theory]
    [InlineData("SensorMlp", 0UL)]
    [InlineData("SensorMlp", 12345UL)]
    [InlineData("GateRegressor", ulong.MaxValue)]
    public void ResetParameters_draws_the_same_bits_on_device_and_desktop(string layout, ulong seed)
    {
        object desktop = Activator.CreateInstance(DesktopType(layout))!;
        object device = Activator.CreateInstance(DeviceType(layout))!;
        Reset(desktop, seed);
        Reset(device, seed);
        AssertSameBits(Parameters(desktop), Parameters(device));
    }

    [Fact]
    public void A_normal_tensor_goes_through_the_emitted_FloatMath_and_still_matches()
    {
        // GateRegressor's Extra is Init = TensorInit.Normal: Box-Muller with FloatMath's Log, Sqrt and
        // Cos on both builds (the device has no System.Math), so even the transcendental path is exact.
        object device = Activator.CreateInstance(DeviceType("GateRegressor"))!;
        int offset = (int)DeviceType("GateRegressor").GetField("ExtraOffset")!.GetValue(null)!;
        float[] extra = Parameters(device).AsSpan(offset, 3).ToArray();
        Assert.All(extra, value => Assert.True(value != 0f && float.IsFinite(value)));
        AssertSameBits(Parameters(Activator.CreateInstance(DesktopType("GateRegressor"))!), Parameters(device));
    }

    private static void AssertSameBits(float[] desktop, float[] device)
    {
        Assert.Equal(desktop.Length, device.Length);
        for (int i = 0; i < desktop.Length; i++)
        {
            Assert.True(
                BitConverter.SingleToInt32Bits(desktop[i]) == BitConverter.SingleToInt32Bits(device[i]),
                $"Parameter {i}: desktop {desktop[i]:R}, device {device[i]:R}");
        }
    }

    private static void Reset(object model, ulong seed) =>
        model.GetType().GetMethod("ResetParameters", BindingFlags.Public | BindingFlags.Instance, new[] { typeof(ulong) })!.Invoke(model, new object[] { seed });

    private static float[] Parameters(object model) =>
        (float[])model.GetType().GetField("Parameters", BindingFlags.Public | BindingFlags.Instance)!.GetValue(model)!;

    private static Type DesktopType(string layout) =>
        typeof(WeightDecay.Edge.Device.Samples.SensorMlp).Assembly.GetType("WeightDecay.Edge.Device.Samples." + layout, throwOnError: true)!;

    private static Type DeviceType(string layout) => DeviceAssembly.GetType("WeightDecay.Edge.Device.Samples." + layout);
}

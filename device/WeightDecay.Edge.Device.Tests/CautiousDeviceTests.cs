using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// Cautious weight decay (CautiousHead, <c>[AdamW(CautiousWeightDecay = true)]</c>): the device build, loaded on .NET, against
/// the desktop build of the same declaration, with an anchor, in both decay modes, with AMSGrad and maximize. The IL rules
/// (no float comparison nanoCLR gets wrong with NaN, only mscorlib, no generics) and the flash estimate check its code
/// with every other device sample.
/// </summary>
/// <remarks>
/// Same tolerance reasoning as <see cref="DeviceMatchesDesktopTests"/>: the device rounds each multiply-add twice, the
/// desktop once. The mask is decided on signs, which those roundings leave alone unless a first moment comes within a
/// rounding of zero; in these data none does, so the two builds decay the same coordinates in every step.
/// </remarks>
public class CautiousDeviceTests
{
    private const string TypeName = "WeightDecay.Edge.Device.Samples.CautiousHead";
    private const int Steps = 150;
    private const float Tolerance = 2e-6f;
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, true, false)]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    public void Device_build_steps_like_the_desktop_build(bool amsgrad, bool maximize, bool scheduleCoupled)
    {
        Type desktopType = typeof(WeightDecay.Edge.Device.Samples.CautiousHead);
        Type deviceType = DeviceAssembly.GetType(TypeName);
        Assert.NotSame(desktopType.Assembly, deviceType.Assembly);
        var random = new Random(2510);
        float[] start = Enumerable.Range(0, WeightDecay.Edge.Device.Samples.CautiousHead.ParameterCount)
            .Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var desktop = new Driver(desktopType, start, amsgrad, maximize, scheduleCoupled);
        var device = new Driver(deviceType, start, amsgrad, maximize, scheduleCoupled);

        StepAlike(desktop, device, random, start);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void Device_build_steps_like_the_desktop_build_with_cautious_SGDW(bool nesterov, bool maximize)
    {
        Type desktopType = typeof(WeightDecay.Edge.Device.Samples.CautiousHead);
        Type deviceType = DeviceAssembly.GetType(TypeName);
        var random = new Random(2511);
        float[] start = Enumerable.Range(0, WeightDecay.Edge.Device.Samples.CautiousHead.ParameterCount)
            .Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
        var desktop = new Driver(desktopType, start, nesterov, maximize, false, sgdw: true);
        var device = new Driver(deviceType, start, nesterov, maximize, false, sgdw: true);
        StepAlike(desktop, device, random, start);
    }

    // Steps both builds with the same random gradients; they must stay within Tolerance of each other, and move.
    private static void StepAlike(Driver desktop, Driver device, Random random, float[] start)
    {
        double maxDifference = 0;
        for (int step = 0; step < Steps; step++)
        {
            for (int i = 0; i < desktop.Gradients.Length; i++)
            {
                desktop.Gradients[i] = device.Gradients[i] = (float)((random.NextDouble() * 2) - 1);
            }

            desktop.Step();
            device.Step();
            for (int i = 0; i < desktop.Parameters.Length; i++)
            {
                maxDifference = Math.Max(maxDifference, Math.Abs(desktop.Parameters[i] - device.Parameters[i]));
            }
        }

        Assert.True(maxDifference <= Tolerance, $"max |desktop - device| = {maxDifference:E3} over {Steps} steps");
        Assert.NotEqual(start, desktop.Parameters);
    }

    private sealed class Driver
    {
        private readonly Action _step;

        public Driver(Type layoutType, float[] start, bool amsgrad, bool maximize, bool scheduleCoupled, bool sgdw = false)
        {
            object model = Activator.CreateInstance(layoutType)!;
            Parameters = (float[])layoutType.GetField("Parameters")!.GetValue(model)!;
            Gradients = (float[])layoutType.GetField("Gradients")!.GetValue(model)!;
            start.CopyTo(Parameters, 0);
            layoutType.GetMethod("CaptureAnchor")!.Invoke(model, null);
            for (int i = 0; i < Parameters.Length; i++)
            {
                Parameters[i] += 0.25f * MathF.Sin(i); // away from the anchor, so that the anchored tensor has a drift to decay
            }

            Type optimizerType = layoutType.GetNestedType(sgdw ? "SgdOptimizer" : "AdamWOptimizer")!;
            object optimizer = Activator.CreateInstance(optimizerType, model)!;
            void Set(string name, object value) => optimizerType.GetProperty(name, Members)!.SetValue(optimizer, value);
            if (sgdw)
            {
                // SGDW with momentum (Nesterov when `amsgrad` is set, for this driver's second flag).
                Set("Decoupled", true);
                Set("LearningRate", 0.02f);
                Set("WeightDecay", 2f);
                Set("Momentum", 0.9f);
                Set("Nesterov", amsgrad);
                Set("Maximize", maximize);
                _step = optimizerType.GetMethod("Step")!.CreateDelegate<Action>(optimizer);
                return;
            }

            Set("LearningRate", 0.01f);
            Set("WeightDecay", scheduleCoupled ? 0.02f : 2f);
            Set("Amsgrad", amsgrad);
            Set("Maximize", maximize);
            PropertyInfo mode = optimizerType.GetProperty("DecayMode", Members)!; // internal on the device, its enum emitted there
            mode.SetValue(optimizer, Enum.ToObject(mode.PropertyType, scheduleCoupled ? 1 : 0));
            _step = optimizerType.GetMethod("Step")!.CreateDelegate<Action>(optimizer);
        }

        public float[] Parameters { get; }

        public float[] Gradients { get; }

        public void Step() => _step();
    }
}

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// The device build of SampleLayouts.cs, loaded on .NET, against the desktop build of the same
/// file: same initial parameters, same gradients, 150 steps.
/// </summary>
/// <remarks>
/// Tolerance: 2e-6 absolute on parameters of order 1, about three times the largest difference
/// seen (6e-7). The builds are not bit-identical, by design: the desktop profile fuses each
/// multiply-add (one rounding, as torch's CPU kernels do) while the device profile rounds twice
/// (nanoFramework has no FMA, and emulating one in double would cost a soft-float double on most
/// boards), and the device's bias corrections use repeated squaring instead of <c>Math.Pow</c>.
/// Each difference is one float rounding (6e-8 relative) per operation, and Adam-family updates
/// are bounded by the learning rate, so the drift stays within a few ulps over 150 steps.
/// </remarks>
public class DeviceMatchesDesktopTests
{
    private const int Steps = 150;
    private const float Tolerance = 2e-6f;

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (string layout in new[] { "KeywordHead", "OddLayout" })
        {
            foreach (string setting in Settings.Keys)
            {
                data.Add(layout, setting.Split(':')[0], setting);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Dictionary<string, object>> Settings = new()
    {
        ["SgdOptimizer:plain"] = new() { ["LearningRate"] = 0.05f, ["WeightDecay"] = 0.01f },
        ["SgdOptimizer:momentum"] = new() { ["LearningRate"] = 0.02f, ["Momentum"] = 0.9f, ["Dampening"] = 0.1f, ["WeightDecay"] = 0.01f },
        ["SgdOptimizer:nesterov"] = new() { ["LearningRate"] = 0.02f, ["Momentum"] = 0.9f, ["Nesterov"] = true, ["WeightDecay"] = 0.05f },
        ["AdamOptimizer:default"] = new() { ["WeightDecay"] = 0.01f },
        ["AdamOptimizer:amsgrad"] = new() { ["LearningRate"] = 0.01f, ["WeightDecay"] = 0.1f, ["Amsgrad"] = true },
        ["AdamWOptimizer:default"] = new(),
        ["AdamWOptimizer:amsgrad"] = new() { ["LearningRate"] = 0.01f, ["WeightDecay"] = 0.1f, ["Amsgrad"] = true, ["Beta1"] = 0.8f },
        // Maximize: the device folds the gradient's sign into the per-step scalars, the desktop multiplies each gradient by it.
        ["SgdOptimizer:plain+maximize"] = new() { ["LearningRate"] = 0.05f, ["WeightDecay"] = 0.01f, ["Maximize"] = true },
        ["SgdOptimizer:momentum+maximize"] = new() { ["LearningRate"] = 0.02f, ["Momentum"] = 0.9f, ["Dampening"] = 0.1f, ["WeightDecay"] = 0.01f, ["Maximize"] = true },
        ["SgdOptimizer:nesterov+maximize"] = new() { ["LearningRate"] = 0.02f, ["Momentum"] = 0.9f, ["Nesterov"] = true, ["WeightDecay"] = 0.05f, ["Maximize"] = true },
        ["AdamOptimizer:amsgrad+maximize"] = new() { ["LearningRate"] = 0.01f, ["WeightDecay"] = 0.1f, ["Amsgrad"] = true, ["Maximize"] = true },
        ["AdamWOptimizer:amsgrad+maximize"] = new() { ["LearningRate"] = 0.01f, ["WeightDecay"] = 0.1f, ["Amsgrad"] = true, ["Maximize"] = true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Device_build_steps_like_the_desktop_build(string layout, string optimizer, string setting)
    {
        string typeName = "WeightDecay.Edge.Device.Samples." + layout;
        Type desktopType = typeof(WeightDecay.Edge.Device.Samples.KeywordHead).Assembly.GetType(typeName, throwOnError: true)!;
        Type deviceType = DeviceAssembly.GetType(typeName);
        Assert.NotSame(desktopType.Assembly, deviceType.Assembly);

        var desktop = new ReflectedOptimizer(desktopType, optimizer, Settings[setting]);
        var device = new ReflectedOptimizer(deviceType, optimizer, Settings[setting]);
        var random = new Random(1234);
        for (int i = 0; i < desktop.Parameters.Length; i++)
        {
            desktop.Parameters[i] = device.Parameters[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] start = (float[])desktop.Parameters.Clone();
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
        Assert.NotEqual(start, desktop.Parameters); // Both really moved.
    }
}

using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// The device build of TrainingLoopSamples.cs against the desktop build, with a warm-up cosine
/// schedule, gradient clipping and the non-finite guard on, and frozen tensors in the layout.
/// </summary>
/// <remarks>
/// Same tolerance reasoning as <see cref="DeviceMatchesDesktopTests"/> (fused versus unfused
/// multiply-adds); the schedule (FloatMath.Cos on both builds, since the schedule is emitted
/// once for every profile), the norm (double on both) and the skip decisions must agree exactly.
/// </remarks>
public class TrainingLoopDeviceTests
{
    private const string TypeName = "WeightDecay.Edge.Device.Samples.FrozenFeatureHead";
    private const int Steps = 150;
    private const float Tolerance = 2e-6f;
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    [Theory]
    [InlineData("SgdOptimizer", false)]
    [InlineData("AdamOptimizer", false)]
    [InlineData("AdamWOptimizer", false)]
    [InlineData("AdamWOptimizer", true)]
    public void Device_build_trains_like_the_desktop_build(string optimizerName, bool scheduleCoupled)
    {
        Type desktopType = typeof(WeightDecay.Edge.Device.Samples.FrozenFeatureHead);
        Type deviceType = DeviceAssembly.GetType(TypeName);
        Assert.NotSame(desktopType.Assembly, deviceType.Assembly);
        var desktop = new Driver(desktopType, optimizerName, scheduleCoupled);
        var device = new Driver(deviceType, optimizerName, scheduleCoupled);

        var random = new Random(99);
        for (int i = 0; i < desktop.Parameters.Length; i++)
        {
            desktop.Parameters[i] = device.Parameters[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] start = (float[])desktop.Parameters.Clone();
        desktop.Layout<object?>("CaptureAnchor");
        device.Layout<object?>("CaptureAnchor");
        double maxDifference = 0;
        for (int step = 0; step < Steps; step++)
        {
            double scale = step % 4 == 0 ? 3.0 : 0.1; // Every fourth step clips.
            for (int i = 0; i < desktop.Gradients.Length; i++)
            {
                desktop.Gradients[i] = device.Gradients[i] = (float)(((random.NextDouble() * 2) - 1) * scale);
            }

            if (step % 13 == 6)
            {
                desktop.Gradients[100 + (step % 40)] = device.Gradients[100 + (step % 40)] = float.PositiveInfinity; // W: skipped
            }

            desktop.Step();
            device.Step();
            Assert.Equal(desktop.Get<double>("LastGradientNorm"), device.Get<double>("LastGradientNorm"), 1e-9);
            for (int i = 0; i < desktop.Parameters.Length; i++)
            {
                maxDifference = Math.Max(maxDifference, Math.Abs(desktop.Parameters[i] - device.Parameters[i]));
            }
        }

        Assert.True(maxDifference <= Tolerance, $"max |desktop - device| = {maxDifference:E3} over {Steps} steps");
        Assert.Equal(desktop.Get<long>("StepCount"), device.Get<long>("StepCount"));
        Assert.Equal(12L, device.Get<long>("SkippedStepCount"));
        Assert.Equal(12L, desktop.Get<long>("SkippedStepCount"));
        Assert.Equal(start[..96], device.Parameters[..96]);      // Projection: frozen
        Assert.Equal(start[141..144], device.Parameters[141..144]); // Scale: frozen
        Assert.NotEqual(start[96..141], device.Parameters[96..141]);
        Assert.Equal(desktop.Invoke<double>("L2Penalty"), device.Invoke<double>("L2Penalty"), 1e-5);

        // W's proximal L1 step (L1 = 0.2) prunes on both builds alike, and Head's rows stay within MaxNorm = 0.8.
        int zeros = desktop.Layout<int>("CountZeros", 1);
        Assert.InRange(zeros, 1, 39);
        Assert.Equal(zeros, device.Layout<int>("CountZeros", 1));
        Assert.Equal(desktop.Layout<double>("L1Penalty"), device.Layout<double>("L1Penalty"), 1e-5);
        for (int row = 0; row < 5; row++)
        {
            double norm = Math.Sqrt(Enumerable.Range(144 + (3 * row), 3).Sum(i => (double)device.Parameters[i] * device.Parameters[i]));
            Assert.True(norm <= 0.8 * (1 + 1e-6), $"Head row {row}: norm {norm:R}");
        }

        // Head decays toward its captured start on both builds; the anchor itself never moves.
        Assert.Equal(start[144..159], device.Field<float[]>("Anchor"));
        Assert.Equal(start[144..159], desktop.Field<float[]>("Anchor"));
        Assert.Equal(desktop.Layout<double>("DecayedSquaredNorm"), device.Layout<double>("DecayedSquaredNorm"), 1e-5);
    }

    [Fact]
    public void Device_constants_count_frozen_scalars_and_state()
    {
        Type deviceType = DeviceAssembly.GetType(TypeName);
        Assert.Equal(162, Constant(deviceType, "ParameterCount"));
        Assert.Equal(63, Constant(deviceType, "TrainableParameterCount"));
        Assert.Equal(99, Constant(deviceType, "FrozenParameterCount"));
        Assert.Equal(4 * 63, Constant(deviceType.GetNestedType("SgdOptimizer")!, "StateBytes"));
        Assert.Equal(12 * 63, Constant(deviceType.GetNestedType("AdamWOptimizer")!, "StateBytes"));
        Assert.Equal(99, deviceType.GetMethod("FrozenScalars")!.Invoke(null, null));
    }

    [Fact]
    public void Device_cosine_schedule_matches_Math_Cos()
    {
        Type scheduleType = DeviceAssembly.AssemblyOf(TypeName).GetType("WeightDecay.Edge.LearningRateSchedule", throwOnError: true)!;
        object schedule = scheduleType.GetMethod("WarmupCosine")!.Invoke(null, new object[] { 4, 40, 0.1f })!;
        MethodInfo multiplier = scheduleType.GetMethod("Multiplier")!;
        for (long t = 0; t < 50; t++)
        {
            double expected = t < 4 ? t / 4.0 : t >= 40 ? 0.1 : 0.1 + (0.9 * (1 + Math.Cos(Math.PI * (t - 4) / 36)) / 2);
            Assert.Equal(expected, (double)multiplier.Invoke(schedule, new object[] { t })!, 1e-15);
        }
    }

    [Fact]
    public void A_user_defined_schedule_runs_on_the_device_build_as_on_the_desktop_build()
    {
        float[] device = TrainWithHalvingSchedule(DeviceAssembly.GetType(TypeName));
        float[] desktop = TrainWithHalvingSchedule(typeof(WeightDecay.Edge.Device.Samples.FrozenFeatureHead));
        for (int i = 0; i < desktop.Length; i++)
        {
            Assert.True(Math.Abs(device[i] - desktop[i]) <= 2e-6f, $"parameter {i}: device {device[i]:R}, desktop {desktop[i]:R}");
        }

        // The schedule was used: without it the same steps end elsewhere.
        float[] constant = TrainWithHalvingSchedule(typeof(WeightDecay.Edge.Device.Samples.FrozenFeatureHead), useSchedule: false);
        Assert.Contains(Enumerable.Range(0, desktop.Length), i => Math.Abs(constant[i] - desktop[i]) > 1e-4f);
    }

    // 40 AdamW steps on the same synthetic gradients, with the HalvingSchedule of the layout's own build.
    private static float[] TrainWithHalvingSchedule(Type layoutType, bool useSchedule = true)
    {
        object model = Activator.CreateInstance(layoutType)!;
        float[] parameters = (float[])layoutType.GetField("Parameters")!.GetValue(model)!;
        float[] gradients = (float[])layoutType.GetField("Gradients")!.GetValue(model)!;
        Array.Clear(parameters);
        Type optimizerType = layoutType.GetNestedType("AdamWOptimizer")!;
        object optimizer = Activator.CreateInstance(optimizerType, model)!;
        optimizerType.GetProperty("LearningRate")!.SetValue(optimizer, 0.05f);
        if (useSchedule)
        {
            Type schedule = layoutType.Assembly.GetType("WeightDecay.Edge.Device.Samples.HalvingSchedule", throwOnError: true)!;
            PropertyInfo property = optimizerType.GetProperty("Schedule", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!;
            property.SetValue(optimizer, Activator.CreateInstance(schedule, nonPublic: true));
        }

        MethodInfo step = optimizerType.GetMethod("Step")!;
        for (int t = 0; t < 40; t++)
        {
            for (int i = 0; i < gradients.Length; i++)
            {
                gradients[i] = (float)Math.Sin((0.37 * i) + (0.11 * t));
            }

            step.Invoke(optimizer, null);
        }

        return (float[])parameters.Clone();
    }

    private static int Constant(Type type, string name) => (int)type.GetField(name)!.GetRawConstantValue()!;

    /// <summary>One layout and optimizer of either build, configured through reflection (Schedule and DecayMode are internal).</summary>
    [Fact]
    public void Device_build_accumulates_micro_batches_and_averages_like_the_desktop_build()
    {
        // AccumulatingHead: four Step() calls per AdamW update (GradientAccumulationSteps = 4), with clipping and the guard.
        const string Name = "WeightDecay.Edge.Device.Samples.AccumulatingHead";
        Type desktopType = typeof(WeightDecay.Edge.Device.Samples.AccumulatingHead);
        var desktop = new Driver(desktopType, "AdamWOptimizer", scheduleCoupled: false);
        var device = new Driver(DeviceAssembly.GetType(Name), "AdamWOptimizer", scheduleCoupled: false);
        var random = new Random(7);
        for (int i = 0; i < desktop.Parameters.Length; i++)
        {
            desktop.Parameters[i] = device.Parameters[i] = (float)((random.NextDouble() * 2) - 1);
        }

        float[] start = (float[])desktop.Parameters.Clone();
        for (int call = 1; call <= 200; call++)
        {
            for (int i = 0; i < desktop.Gradients.Length; i++)
            {
                desktop.Gradients[i] = device.Gradients[i] = (float)((random.NextDouble() * 2) - 1);
            }

            if (call == 50)
            {
                desktop.Gradients[30] = device.Gradients[30] = float.NaN; // in the 13th update's sum: that update is skipped
            }

            float[] before = (float[])device.Parameters.Clone();
            desktop.Step();
            device.Step();
            Assert.Equal(call % 4, device.Get<int>("AccumulatedMicroBatches"));
            if (call % 4 != 0)
            {
                Assert.Equal(before, device.Parameters);
            }

            for (int i = 0; i < desktop.Parameters.Length; i++)
            {
                Assert.True(Math.Abs(desktop.Parameters[i] - device.Parameters[i]) <= Tolerance, $"parameter {i} after call {call}");
            }
        }

        // The moving average of the weights (EmaDecay = 0.9) on both builds alike.
        var desktopAverage = new float[desktop.Parameters.Length];
        var deviceAverage = new float[device.Parameters.Length];
        desktop.Invoke("CopyAveragedTo", desktopAverage);
        device.Invoke("CopyAveragedTo", deviceAverage);
        for (int i = 0; i < desktopAverage.Length; i++)
        {
            Assert.True(Math.Abs(desktopAverage[i] - deviceAverage[i]) <= Tolerance, $"average {i}");
        }

        Assert.NotEqual(device.Parameters, deviceAverage);
        Assert.Equal(49L, device.Get<long>("StepCount"));
        Assert.Equal(1L, device.Get<long>("SkippedStepCount"));
        Assert.Equal(desktop.Get<long>("StepCount"), device.Get<long>("StepCount"));
        Assert.Equal(start[..24], device.Parameters[..24]); // Projection: frozen
        Assert.NotEqual(start[24..], device.Parameters[24..]);
    }

    private sealed class Driver
    {
        private readonly object _model;
        private readonly object _optimizer;
        private readonly Type _optimizerType;

        // The device build carries its own internal copy of each shared type; the desktop build uses the runtime library's.
        private static Type SharedType(Type layoutType, string name) =>
            layoutType.Assembly.GetType(name) ?? typeof(global::WeightDecay.Edge.IOptimizer).Assembly.GetType(name, throwOnError: true)!;

        public Driver(Type layoutType, string optimizerName, bool scheduleCoupled)
        {
            object model = Activator.CreateInstance(layoutType)!;
            _model = model;
            Parameters = (float[])layoutType.GetField("Parameters")!.GetValue(model)!;
            Gradients = (float[])layoutType.GetField("Gradients")!.GetValue(model)!;
            _optimizerType = layoutType.GetNestedType(optimizerName)!;
            _optimizer = Activator.CreateInstance(_optimizerType, model)!;
            Type scheduleType = SharedType(layoutType, "WeightDecay.Edge.LearningRateSchedule");
            Set("LearningRate", optimizerName == "SgdOptimizer" ? 0.05f : 0.01f);
            Set("WeightDecay", 0.02f);
            Set("MaxGradientNorm", 1f);
            Set("SkipNonFiniteSteps", true);
            Set("Schedule", scheduleType.GetMethod("WarmupCosine")!.Invoke(null, new object[] { 10, 120, 0.05f })!);
            if (optimizerName == "SgdOptimizer")
            {
                Set("Momentum", 0.9f);
            }
            else
            {
                Set("Amsgrad", true);
            }

            if (scheduleCoupled)
            {
                Type mode = SharedType(layoutType, "WeightDecay.Edge.DecoupledDecay");
                Set("DecayMode", Enum.ToObject(mode, 1));
            }
        }

        public float[] Parameters { get; }

        public float[] Gradients { get; }

        public void Step() => _optimizerType.GetMethod("Step")!.Invoke(_optimizer, null);

        public T Get<T>(string name) => (T)_optimizerType.GetProperty(name, Members)!.GetValue(_optimizer)!;

        public T Invoke<T>(string name) => (T)_optimizerType.GetMethod(name)!.Invoke(_optimizer, null)!;

        public void Invoke(string name, object argument) => _optimizerType.GetMethod(name)!.Invoke(_optimizer, new[] { argument });

        public T Layout<T>(string name, params object[] arguments) => (T)_model.GetType().GetMethod(name)!.Invoke(_model, arguments)!;

        public T Field<T>(string name) => (T)_model.GetType().GetField(name)!.GetValue(_model)!;

        private void Set(string name, object value) => _optimizerType.GetProperty(name, Members)!.SetValue(_optimizer, value);
    }
}

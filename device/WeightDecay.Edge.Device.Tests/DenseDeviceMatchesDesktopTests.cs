using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// The device build of DenseSamples.cs, loaded on .NET, against the desktop build of the same file:
/// same parameters and samples, same forward outputs, losses and accumulated gradients, and the
/// same argument checks.
/// </summary>
/// <remarks>
/// Tolerance: 1e-5 relative to max(|value|, 1). The passes are the same float code on both
/// profiles; only the transcendental functions differ (MathF on desktop, the emitted FloatMath on
/// the device, each within an ulp or two of the exact value), and those differences propagate
/// through a few layers and a sum over a batch of eight.
/// </remarks>
public class DenseDeviceMatchesDesktopTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("SensorMlp", "CrossEntropy")]
    [InlineData("SensorMlp", "MeanSquaredError")]
    [InlineData("GateRegressor", "CrossEntropy")]
    [InlineData("GateRegressor", "MeanSquaredError")]
    public void Device_build_computes_the_same_outputs_losses_and_gradients(string layout, string loss)
    {
        var desktop = new DenseModel(DesktopType(layout));
        var device = new DenseModel(DeviceAssembly.GetType("WeightDecay.Edge.Device.Samples." + layout));
        Assert.NotSame(desktop.Type.Assembly, device.Type.Assembly);
        Assert.Equal(desktop.InputSize, device.InputSize);
        Assert.Equal(desktop.OutputSize, device.OutputSize);

        var random = new Random(77);
        for (int j = 0; j < desktop.Parameters.Length; j++)
        {
            desktop.Parameters[j] = device.Parameters[j] = (float)((random.NextDouble() * 2) - 1);
        }

        for (int sample = 0; sample < 8; sample++)
        {
            float[] input = Vector(random, desktop.InputSize, 2f);
            float[] target = Vector(random, desktop.OutputSize, 1f);
            int label = random.Next(desktop.OutputSize);
            float desktopLoss = desktop.Accumulate(loss, input, label, target, 0.125f);
            float deviceLoss = device.Accumulate(loss, input, label, target, 0.125f);
            AssertClose(desktopLoss, deviceLoss, "loss");

            float[] desktopOutput = new float[desktop.OutputSize];
            float[] deviceOutput = new float[device.OutputSize];
            desktop.Forward(input, desktopOutput);
            device.Forward(input, deviceOutput);
            for (int o = 0; o < desktopOutput.Length; o++)
            {
                AssertClose(desktopOutput[o], deviceOutput[o], "output " + o);
            }

            Assert.Equal(desktop.Predict(input), device.Predict(input));
        }

        for (int j = 0; j < desktop.Gradients.Length; j++)
        {
            AssertClose(desktop.Gradients[j], device.Gradients[j], "gradient " + j);
        }

        Assert.Contains(desktop.Gradients, g => g != 0f); // Both really accumulated.
    }

    [Fact]
    public void Device_build_checks_arguments_before_writing()
    {
        var device = new DenseModel(DeviceAssembly.GetType("WeightDecay.Edge.Device.Samples.SensorMlp"));
        device.Parameters[3] = 0.5f;
        float[] parameters = (float[])device.Parameters.Clone();
        float[] gradients = (float[])device.Gradients.Clone();
        Assert.Equal("input", Assert.Throws<ArgumentNullException>(() => device.Accumulate("CrossEntropy", null!, 0, null!, 1f)).ParamName);
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => device.Accumulate("CrossEntropy", new float[3], 0, null!, 1f)).ParamName);
        Assert.Equal("label", Assert.Throws<ArgumentOutOfRangeException>(() => device.Accumulate("CrossEntropy", new float[device.InputSize], device.OutputSize, null!, 1f)).ParamName);
        Assert.Equal("target", Assert.Throws<ArgumentException>(() => device.Accumulate("MeanSquaredError", new float[device.InputSize], 0, new float[1], 1f)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentNullException>(() => device.Forward(new float[device.InputSize], null!)).ParamName);
        Assert.Equal(parameters, device.Parameters);
        Assert.Equal(gradients, device.Gradients);
    }

    [Fact]
    public void Device_Exp_and_Tanh_are_the_desktop_build_of_the_same_code()
    {
        Type deviceMath = DeviceAssembly.GetType("WeightDecay.Edge.Generated.FloatMath");
        var exp = deviceMath.GetMethod("Exp")!.CreateDelegate<Func<float, float>>();
        var tanh = deviceMath.GetMethod("Tanh")!.CreateDelegate<Func<float, float>>();
        var sigmoid = deviceMath.GetMethod("Sigmoid")!.CreateDelegate<Func<float, float>>();
        var log = deviceMath.GetMethod("Log")!.CreateDelegate<Func<float, float>>();
        var random = new Random(5);
        for (int i = 0; i < 100_000; i++)
        {
            float x = (float)((random.NextDouble() * 200) - 100);
            Assert.Equal(WeightDecay.Edge.Generated.FloatMath.Exp(x), exp(x));
            Assert.Equal(WeightDecay.Edge.Generated.FloatMath.Tanh(x), tanh(x));
            Assert.Equal(WeightDecay.Edge.Generated.FloatMath.Sigmoid(x), sigmoid(x));
            Assert.Equal(WeightDecay.Edge.Generated.FloatMath.Log(Math.Abs(x)), log(Math.Abs(x)));
        }
    }

    private static Type DesktopType(string layout) =>
        typeof(WeightDecay.Edge.Device.Samples.SensorMlp).Assembly.GetType("WeightDecay.Edge.Device.Samples." + layout, throwOnError: true)!;

    private static float[] Vector(Random random, int length, float bound)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(((random.NextDouble() * 2) - 1) * bound);
        }

        return values;
    }

    private static void AssertClose(float expected, float actual, string what) =>
        Assert.True(Math.Abs(expected - actual) <= Tolerance * Math.Max(Math.Abs(expected), 1f), $"{what}: desktop {expected:R}, device {actual:R}");

    /// <summary>A dense layout driven through reflection, so both builds run the same calls.</summary>
    private sealed class DenseModel
    {
        private readonly object _model;

        public DenseModel(Type type)
        {
            Type = type;
            _model = Activator.CreateInstance(type)!;
            Parameters = (float[])type.GetField("Parameters")!.GetValue(_model)!;
            Gradients = (float[])type.GetField("Gradients")!.GetValue(_model)!;
            InputSize = (int)type.GetField("InputSize")!.GetRawConstantValue()!;
            OutputSize = (int)type.GetField("OutputSize")!.GetRawConstantValue()!;
        }

        public Type Type { get; }

        public float[] Parameters { get; }

        public float[] Gradients { get; }

        public int InputSize { get; }

        public int OutputSize { get; }

        public float Accumulate(string loss, float[] input, int label, float[] target, float weight) => loss == "CrossEntropy"
            ? (float)Invoke("AccumulateCrossEntropyGradient", [typeof(float[]), typeof(int), typeof(float)], input, label, weight)
            : (float)Invoke("AccumulateMeanSquaredErrorGradient", [typeof(float[]), typeof(float[]), typeof(float)], input, target, weight);

        public void Forward(float[] input, float[] output) => Invoke("Forward", [typeof(float[]), typeof(float[])], input, output);

        public int Predict(float[] input) => (int)Invoke("Predict", [typeof(float[])], input);

        private object Invoke(string name, Type[] signature, params object?[] arguments)
        {
            MethodInfo method = Type.GetMethod(name, signature) ?? throw new InvalidOperationException(name + " not generated");
            try
            {
                return method.Invoke(_model, arguments)!;
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
                throw;
            }
        }
    }
}

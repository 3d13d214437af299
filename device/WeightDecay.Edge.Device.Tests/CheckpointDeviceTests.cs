using System.Buffers.Binary;
using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// Checkpoints of the device build (nanoFramework profile, loaded on .NET) against the desktop build of
/// the same declarations (the sample files are compiled into this assembly too). The device build has
/// no BitConverter.SingleToInt32Bits and encodes floats by hand (widen to double, repack the fields);
/// for the same state both builds must write the same bytes, and each must load the other's.
/// </summary>
public class CheckpointDeviceTests
{
    private const BindingFlags Members = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private const BindingFlags Statics = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>Floats whose encoding exercises every branch of the manual path.</summary>
    private static readonly float[] SpecialValues =
    [
        float.Epsilon,                              // smallest subnormal, 0x00000001
        -float.Epsilon,
        BitConverter.Int32BitsToSingle(0x007FFFFF), // largest subnormal
        BitConverter.Int32BitsToSingle(0x00400001), // subnormal, high and low mantissa bits
        BitConverter.Int32BitsToSingle(unchecked((int)0x80000F0F)), // negative subnormal
        BitConverter.Int32BitsToSingle(0x00800000), // smallest normal
        -BitConverter.Int32BitsToSingle(0x00800000),
        BitConverter.Int32BitsToSingle(0x00FFFFFF), // largest float of the smallest normal binade
        -0f,
        0f,
        float.MaxValue,
        float.MinValue,
        1f,
        -1f,
        0.1f,
        BitConverter.Int32BitsToSingle(0x3F7FFFFF), // largest float below 1
        1e-38f,
        -3.4e38f,
    ];

    public static TheoryData<string, string, bool> Cases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach ((string layout, string[] optimizers) in new[]
        {
            ("KeywordHead", new[] { "SgdOptimizer", "AdamOptimizer", "AdamWOptimizer" }),
            ("OddLayout", new[] { "SgdOptimizer", "AdamOptimizer", "AdamWOptimizer" }),
            ("FrozenFeatureHead", new[] { "SgdOptimizer", "AdamOptimizer", "AdamWOptimizer" }),
            ("SensorMlp", new[] { "SgdOptimizer", "AdamWOptimizer" }),
            ("GateRegressor", new[] { "AdamOptimizer" }),
        })
        {
            foreach (string optimizer in optimizers)
            {
                data.Add(layout, optimizer, false);
                data.Add(layout, optimizer, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Device_and_desktop_write_the_same_bytes_and_load_each_others(string layout, string optimizer, bool optionalState)
    {
        var random = new Random(layout.Length * 31 + optimizer.Length);
        Subject desktop = Subject.Desktop(layout, optimizer, optionalState);
        Subject device = Subject.Device(layout, optimizer, optionalState);
        Assert.Equal(desktop.CheckpointBytes, device.CheckpointBytes);
        Assert.Equal(desktop.Get<ulong>("CheckpointLayoutHash"), device.Get<ulong>("CheckpointLayoutHash"));

        // The same state on both, set directly: every value a checkpoint holds.
        State state = State.Random(desktop, random);
        state.ApplyTo(desktop);
        state.ApplyTo(device);

        byte[] fromDesktop = desktop.Save();
        byte[] fromDevice = device.Save();
        Assert.Equal(fromDesktop, fromDevice);

        // Each build loads the other's checkpoint into a fresh optimizer and writes it back unchanged.
        Subject deviceLoaded = Subject.Device(layout, optimizer, optionalState);
        deviceLoaded.Load(fromDesktop);
        Assert.Equal(Bits(desktop.Parameters), Bits(deviceLoaded.Parameters));
        Assert.Equal(desktop.Get<long>("StepCount"), deviceLoaded.Get<long>("StepCount"));
        Assert.Equal(fromDesktop, deviceLoaded.Save());

        Subject desktopLoaded = Subject.Desktop(layout, optimizer, optionalState);
        desktopLoaded.Load(fromDevice);
        Assert.Equal(Bits(device.Parameters), Bits(desktopLoaded.Parameters));
        Assert.Equal(fromDevice, desktopLoaded.Save());
    }

    /// <summary>
    /// Sealed checkpoints (HMAC-SHA256, computed by the generated C# 7.3 SHA-256 on the device build): for the same state and
    /// key both builds write the same bytes, each loads the other's with the key, and the device build refuses a checkpoint
    /// sealed with another key with its CheckpointAuthenticationException, the model unchanged.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cases))]
    public void Device_and_desktop_seal_the_same_bytes_and_verify_each_others(string layout, string optimizer, bool optionalState)
    {
        byte[] keyBytes = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes("device key " + layout));
        var random = new Random(layout.Length * 17 + optimizer.Length);
        Subject desktop = Subject.Desktop(layout, optimizer, optionalState);
        Subject device = Subject.Device(layout, optimizer, optionalState);
        State.Random(desktop, random).ApplyTo(desktop);
        State.Random(desktop, new Random(layout.Length * 17 + optimizer.Length)).ApplyTo(device);

        byte[] fromDesktop = desktop.SaveSealed(keyBytes, 9);
        byte[] fromDevice = device.SaveSealed(keyBytes, 9);
        Assert.Equal(fromDesktop, fromDevice);
        Assert.Equal(desktop.CheckpointBytes + 32, fromDevice.Length);
        byte[] tag = System.Security.Cryptography.HMACSHA256.HashData(keyBytes, fromDevice.AsSpan(0, fromDevice.Length - 36));
        Assert.Equal(tag, fromDevice.AsSpan(fromDevice.Length - 36, 32).ToArray());

        Subject deviceLoaded = Subject.Device(layout, optimizer, optionalState);
        deviceLoaded.LoadSealed(fromDesktop, keyBytes, 9);
        Assert.Equal(desktop.Save(), deviceLoaded.Save());

        byte[] otherKey = (byte[])keyBytes.Clone();
        otherKey[0] ^= 1;
        Subject refusing = Subject.Device(layout, optimizer, optionalState);
        byte[] before = refusing.Save();
        var error = Assert.Throws<TargetInvocationException>(() => refusing.LoadSealed(fromDesktop, otherKey, 0));
        Assert.Equal("CheckpointAuthenticationException", error.InnerException!.GetType().Name);
        Assert.Equal(before, refusing.Save());
    }

    /// <summary>The device build's SHA-256 and HMAC-SHA256 (the IL nanoFramework runs) against System.Security.Cryptography.</summary>
    [Fact]
    public void Device_sha256_and_hmac_match_System_Security_Cryptography()
    {
        Type shaType = DeviceAssembly.GetType("WeightDecay.Edge.Generated.Sha256");
        Type hmacType = DeviceAssembly.GetType("WeightDecay.Edge.Generated.HmacSha256");
        Assert.NotSame(typeof(WeightDecay.Edge.Generated.Sha256).Assembly, shaType.Assembly);
        object sha = Activator.CreateInstance(shaType)!;
        var random = new Random(256);
        var hash = new byte[32];
        for (int length = 0; length <= 200; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            shaType.GetMethod("Reset")!.Invoke(sha, null);
            shaType.GetMethod("Update")!.Invoke(sha, [data, 0, length]);
            shaType.GetMethod("Final")!.Invoke(sha, [hash, 0]);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), hash);

            byte[] key = new byte[random.Next(0, 100)];
            random.NextBytes(key);
            object hmac = Activator.CreateInstance(hmacType, Members | BindingFlags.CreateInstance, null, [key, 0, key.Length], null)!;
            hmacType.GetMethod("Compute")!.Invoke(hmac, [data, 0, length, hash, 0]);
            Assert.Equal(System.Security.Cryptography.HMACSHA256.HashData(key, data), hash);
        }
    }

    /// <summary>
    /// Subnormals, -0, the extremes and the smallest normal in parameters, state and hyperparameters:
    /// the device build writes each one's exact IEEE bits and reads them back, on its own and across builds.
    /// </summary>
    [Theory]
    [InlineData("SgdOptimizer")]
    [InlineData("AdamOptimizer")]
    [InlineData("AdamWOptimizer")]
    public void Special_values_round_trip_through_the_manual_float_encoding(string optimizer)
    {
        Subject device = Subject.Device("OddLayout", optimizer, optionalState: true);
        for (int i = 0; i < device.Parameters.Length; i++)
        {
            device.Parameters[i] = SpecialValues[i % SpecialValues.Length];
        }

        foreach (string field in device.StateFields)
        {
            float[] values = device.Field<float[]>(field);
            for (int j = 0; j < values.Length; j++)
            {
                float special = SpecialValues[(j + 5) % SpecialValues.Length];
                values[j] = field.Contains("Sq", StringComparison.Ordinal) ? Math.Abs(special) : special; // second moments cannot be negative
            }
        }

        // Hyperparameters at the edges of their ranges: a subnormal learning rate, the smallest normal
        // epsilon, the largest beta below 1, a huge weight decay, a subnormal clipping norm.
        device.Set("LearningRate", float.Epsilon);
        device.Set("WeightDecay", float.MaxValue);
        device.Set("MaxGradientNorm", BitConverter.Int32BitsToSingle(0x007FFFFF));
        if (optimizer == "SgdOptimizer")
        {
            device.Set("Dampening", -0f);
            device.Set("Momentum", BitConverter.Int32BitsToSingle(0x00800000));
        }
        else
        {
            device.Set("Beta1", BitConverter.Int32BitsToSingle(0x3F7FFFFF));
            device.Set("Beta2", -0f);
            device.Set("Epsilon", BitConverter.Int32BitsToSingle(0x00800000));
        }

        byte[] bytes = device.Save();

        // The bytes hold each value's IEEE 754 bits, little-endian, where docs/checkpoints.md puts them.
        int floats = optimizer == "SgdOptimizer" ? 80 : 84;
        for (int i = 0; i < device.Parameters.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(device.Parameters[i]), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(floats + (4 * i))));
        }

        string[] hyper = optimizer == "SgdOptimizer"
            ? ["LearningRate", "Momentum", "Dampening", "WeightDecay", "MaxGradientNorm"]
            : ["LearningRate", "Beta1", "Beta2", "Epsilon", "WeightDecay", "MaxGradientNorm"];
        for (int k = 0; k < hyper.Length; k++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(device.Get<float>(hyper[k])), BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(60 + (4 * k))));
        }

        // The desktop build (BitConverter.SingleToInt32Bits) writes the same bytes for the same state.
        Subject desktop = Subject.Desktop("OddLayout", optimizer, optionalState: true);
        desktop.Load(bytes);
        Assert.Equal(bytes, desktop.Save());

        // The device build reads them back bit for bit.
        Subject reloaded = Subject.Device("OddLayout", optimizer, optionalState: true);
        reloaded.Load(bytes);
        Assert.Equal(Bits(device.Parameters), Bits(reloaded.Parameters));
        foreach (string field in device.StateFields)
        {
            Assert.Equal(Bits(device.Field<float[]>(field)), Bits(reloaded.Field<float[]>(field)));
        }

        foreach (string name in hyper)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(device.Get<float>(name)), BitConverter.SingleToInt32Bits(reloaded.Get<float>(name)));
        }

        Assert.Equal(bytes, reloaded.Save());
    }

    /// <summary>The device's float writer and reader against BitConverter over every exponent, both signs, random mantissas.</summary>
    [Fact]
    public void Device_float_encoding_matches_BitConverter_on_every_exponent()
    {
        Type format = DeviceAssembly.GetType("WeightDecay.Edge.Generated.CheckpointFormat");

        // The device build really is on the manual path; the desktop build is not.
        Assert.NotNull(format.GetMethod("SingleToInt32Bits", Statics));
        Assert.Null(typeof(WeightDecay.Edge.Generated.CheckpointFormat).GetMethod("SingleToInt32Bits", Statics));

        var write = format.GetMethod("WriteSingle", Statics)!.CreateDelegate<Action<byte[], int, float>>();
        var read = format.GetMethod("ReadSingle", Statics)!.CreateDelegate<Func<byte[], int, float>>();
        var random = new Random(7);
        var buffer = new byte[9];
        for (int exponent = 0; exponent <= 255; exponent++)
        {
            for (int trial = 0; trial < 200; trial++)
            {
                int mantissa = trial switch
                {
                    0 => 0,
                    1 => 0x7FFFFF,
                    2 => 1,
                    3 => 0x400000,
                    _ => random.Next(0, 0x800000),
                };
                if (exponent == 255 && mantissa != 0)
                {
                    continue; // NaN: never written (a save refuses it).
                }

                int bits = (trial % 2 == 0 ? 0 : int.MinValue) | (exponent << 23) | mantissa;
                float value = BitConverter.Int32BitsToSingle(bits);
                write(buffer, 3, value);
                Assert.True(bits == BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(3)), $"0x{bits:X8} written as 0x{BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(3)):X8}");
                Assert.Equal(bits, BitConverter.SingleToInt32Bits(read(buffer, 3)));
            }
        }
    }

    /// <summary>Both builds refuse a damaged or cut-short checkpoint the same way: same exception type, Error and message.</summary>
    [Theory]
    [InlineData("corrupt")]
    [InlineData("truncated")]
    [InlineData("other state")]
    public void Device_refuses_like_the_desktop(string damage)
    {
        Subject source = Subject.Desktop("KeywordHead", "AdamOptimizer", optionalState: true);
        State.Random(source, new Random(3)).ApplyTo(source);
        byte[] bytes = source.Save();
        int count = bytes.Length;
        bool optionalState = true;
        switch (damage)
        {
            case "corrupt":
                bytes[100] ^= 0x04;
                break;
            case "truncated":
                count = bytes.Length - 1;
                break;
            default:
                optionalState = false;
                break;
        }

        Exception Refusal(Subject subject)
        {
            float[] before = (float[])subject.Parameters.Clone();
            Exception thrown = Assert.ThrowsAny<Exception>(() => subject.Load(bytes, count));
            Assert.Equal(Bits(before), Bits(subject.Parameters));
            return thrown;
        }

        Exception onDesktop = Refusal(Subject.Desktop("KeywordHead", "AdamOptimizer", optionalState));
        Exception onDevice = Refusal(Subject.Device("KeywordHead", "AdamOptimizer", optionalState));
        Assert.NotSame(onDesktop.GetType().Assembly, onDevice.GetType().Assembly);
        Assert.Equal(onDesktop.GetType().FullName, onDevice.GetType().FullName);
        Assert.Equal(ErrorOf(onDesktop), ErrorOf(onDevice));
        Assert.Equal(onDesktop.Message, onDevice.Message);
        Assert.Equal(damage switch { "corrupt" => "Corrupt", "truncated" => "Truncated", _ => "OptimizerMismatch" }, ErrorOf(onDesktop));
    }

    private static string ErrorOf(Exception exception) =>
        exception.GetType().GetProperty("Error")!.GetValue(exception)!.ToString()!;

    private static int[] Bits(float[] values) => values.Select(BitConverter.SingleToInt32Bits).ToArray();

    /// <summary>Every value a checkpoint holds, to be set identically on both builds.</summary>
    private sealed class State
    {
        private readonly Dictionary<string, object> _hyperParameters = new();
        private readonly Dictionary<string, float[]> _arrays = new();
        private float[] _parameters = [];
        private long _steps;
        private long _skipped;

        public static State Random(Subject like, Random random)
        {
            var state = new State { _steps = random.Next(1, 100_000), _skipped = random.Next(0, 10) };
            state._parameters = Values(like.Parameters.Length, random, signed: true);
            foreach (string field in like.StateFields)
            {
                state._arrays[field] = Values(like.Field<float[]>(field).Length, random, signed: !field.Contains("Sq", StringComparison.Ordinal));
            }

            state._hyperParameters["LearningRate"] = 0.0123f;
            state._hyperParameters["WeightDecay"] = 0.045f;
            state._hyperParameters["MaxGradientNorm"] = 2.5f;
            state._hyperParameters["SkipNonFiniteSteps"] = true;
            if (like.OptimizerName == "SgdOptimizer")
            {
                if (like.OptionalState)
                {
                    state._hyperParameters["Momentum"] = 0.875f;
                    state._hyperParameters["Nesterov"] = true;
                }
            }
            else
            {
                state._hyperParameters["Beta1"] = 0.85f;
                state._hyperParameters["Beta2"] = 0.995f;
                state._hyperParameters["Epsilon"] = 3e-7f;
            }

            return state;
        }

        public void ApplyTo(Subject subject)
        {
            _parameters.CopyTo(subject.Parameters, 0);
            foreach ((string field, float[] values) in _arrays)
            {
                values.CopyTo(subject.Field<float[]>(field), 0);
            }

            foreach ((string name, object value) in _hyperParameters)
            {
                subject.Set(name, value);
            }

            if (subject.OptimizerName == "AdamWOptimizer")
            {
                PropertyInfo mode = subject.OptimizerType.GetProperty("DecayMode", Members)!;
                mode.SetValue(subject.Optimizer, Enum.ToObject(mode.PropertyType, 1)); // ScheduleCoupled
            }

            if (subject.OptimizerName == "SgdOptimizer" && subject.OptionalState)
            {
                subject.OptimizerType.GetField("_momentumBufferInitialized", Members)!.SetValue(subject.Optimizer, true);
            }

            subject.OptimizerType.GetProperty("StepCount")!.SetValue(subject.Optimizer, _steps);
            subject.OptimizerType.GetProperty("SkippedStepCount")!.SetValue(subject.Optimizer, _skipped);
        }

        private static float[] Values(int count, Random random, bool signed)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
            {
                // Magnitudes from 1e-40 (subnormal) to 1e3, so every exponent range is written.
                double magnitude = Math.Pow(10, (random.NextDouble() * 43) - 40);
                values[i] = (float)(signed && random.Next(2) == 0 ? -magnitude : magnitude);
            }

            return values;
        }
    }

    /// <summary>A layout and one optimizer of either build, reached through reflection.</summary>
    private sealed class Subject
    {
        private readonly Func<byte[], int, int> _save;
        private readonly Action<byte[], int, int> _load;

        private Subject(Type layoutType, string optimizerName, bool optionalState)
        {
            object model = Activator.CreateInstance(layoutType)!;
            Parameters = (float[])layoutType.GetField("Parameters")!.GetValue(model)!;
            OptimizerName = optimizerName;
            OptionalState = optionalState;
            OptimizerType = layoutType.GetNestedType(optimizerName)!;
            Optimizer = Activator.CreateInstance(OptimizerType, model)!;
            _save = OptimizerType.GetMethod("SaveCheckpoint", [typeof(byte[]), typeof(int)])!.CreateDelegate<Func<byte[], int, int>>(Optimizer);
            _load = OptimizerType.GetMethod("LoadCheckpoint", [typeof(byte[]), typeof(int), typeof(int)])!.CreateDelegate<Action<byte[], int, int>>(Optimizer);
            if (optionalState)
            {
                Set(optimizerName == "SgdOptimizer" ? "Momentum" : "Amsgrad", optimizerName == "SgdOptimizer" ? 0.5f : true);
            }

            StateFields = optimizerName == "SgdOptimizer"
                ? (optionalState ? ["_momentumBuffer"] : [])
                : (optionalState ? ["_expAvg", "_expAvgSq", "_maxExpAvgSq"] : ["_expAvg", "_expAvgSq"]);
        }

        public string OptimizerName { get; }

        public bool OptionalState { get; }

        public Type OptimizerType { get; }

        public object Optimizer { get; }

        public float[] Parameters { get; }

        public string[] StateFields { get; }

        public int CheckpointBytes => Get<int>("CheckpointBytes");

        public static Subject Desktop(string layout, string optimizer, bool optionalState) =>
            new(typeof(WeightDecay.Edge.Device.Samples.KeywordHead).Assembly.GetType("WeightDecay.Edge.Device.Samples." + layout, throwOnError: true)!, optimizer, optionalState);

        public static Subject Device(string layout, string optimizer, bool optionalState)
        {
            Type type = DeviceAssembly.GetType("WeightDecay.Edge.Device.Samples." + layout);
            Assert.NotSame(typeof(CheckpointDeviceTests).Assembly, type.Assembly);
            return new(type, optimizer, optionalState);
        }

        public T Get<T>(string property) => (T)OptimizerType.GetProperty(property, Members)!.GetValue(Optimizer)!;

        public void Set(string property, object value) => OptimizerType.GetProperty(property, Members)!.SetValue(Optimizer, value);

        public T Field<T>(string field) => (T)OptimizerType.GetField(field, Members)!.GetValue(Optimizer)!;

        /// <summary>SaveCheckpoint(byte[], int, CheckpointKey, ulong) with this build's own CheckpointKey type.</summary>
        public byte[] SaveSealed(byte[] keyBytes, ulong sequence)
        {
            (Type keyType, object key) = Key(keyBytes);
            var bytes = new byte[CheckpointBytes + 32];
            OptimizerType.GetMethod("SaveCheckpoint", Members, [typeof(byte[]), typeof(int), keyType, typeof(ulong)])!.Invoke(Optimizer, [bytes, 0, key, sequence]);
            return bytes;
        }

        /// <summary>LoadCheckpoint(byte[], int, int, CheckpointKey, ulong) with this build's own CheckpointKey type.</summary>
        public void LoadSealed(byte[] bytes, byte[] keyBytes, ulong minimum)
        {
            (Type keyType, object key) = Key(keyBytes);
            OptimizerType.GetMethod("LoadCheckpoint", Members, [typeof(byte[]), typeof(int), typeof(int), keyType, typeof(ulong)])!.Invoke(Optimizer, [bytes, 0, bytes.Length, key, minimum]);
        }

        private (Type, object) Key(byte[] keyBytes)
        {
            Type keyType = OptimizerType.Assembly.GetType("WeightDecay.Edge.CheckpointKey")
                ?? typeof(WeightDecay.Edge.CheckpointKey);
            return (keyType, Activator.CreateInstance(keyType, Members | BindingFlags.CreateInstance, null, [keyBytes], null)!);
        }

        public byte[] Save()
        {
            var bytes = new byte[CheckpointBytes];
            Assert.Equal(bytes.Length, _save(bytes, 0));
            return bytes;
        }

        public void Load(byte[] bytes) => _load(bytes, 0, bytes.Length);

        public void Load(byte[] bytes, int count) => _load(bytes, 0, count);
    }
}

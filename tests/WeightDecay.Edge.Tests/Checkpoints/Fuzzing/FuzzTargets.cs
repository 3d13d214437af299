using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using WeightDecay.Edge.Tests.Dense;
using WeightDecay.Edge.Tests.TrainingLoop;

namespace WeightDecay.Edge.Tests.Checkpoints.Fuzzing;

/// <summary>The three generated optimizers, numbered as the header's optimizer kind byte.</summary>
internal enum FuzzKind
{
    Sgd = 1,
    Adam = 2,
    AdamW = 3,
}

/// <summary>A layout the fuzzer loads checkpoints into, with its counts written out by hand.</summary>
internal sealed record FuzzLayout(string Name, Type Type, int ParameterCount, int TrainableCount, int Weight);

/// <summary>
/// One optimizer configuration whose checkpoints differ in shape from every other: layout, optimizer
/// and whether the optional state (SGD's momentum buffer, Adam's max_exp_avg_sq) exists.
/// </summary>
internal sealed record FuzzConfig(int Index, FuzzLayout Layout, FuzzKind Kind, bool WithState)
{
    /// <summary>Float hyperparameters in payload order (docs: the checkpoint format).</summary>
    public int HyperCount => Kind == FuzzKind.Sgd ? 5 : 6;

    /// <summary>Header, step count, skipped-step count, option word, hyperparameters.</summary>
    public int FloatsOffset => 40 + 8 + 8 + 4 + (4 * HyperCount);

    /// <summary>State arrays the payload holds after the parameters.</summary>
    public int StateArrays => Kind == FuzzKind.Sgd ? (WithState ? 1 : 0) : (WithState ? 3 : 2);

    /// <summary>Floats after the hyperparameters: the parameters, then the state arrays.</summary>
    public int FloatCount => Layout.ParameterCount + (StateArrays * Layout.TrainableCount);

    /// <summary>Bytes of a checkpoint, computed from the format, not read from the generated code.</summary>
    public int Length => FloatsOffset + (4 * FloatCount) + 4;

    public string Name => $"{Layout.Name}.{Kind}{(WithState ? (Kind == FuzzKind.Sgd ? "+momentum" : "+amsgrad") : string.Empty)}";

    public override string ToString() => Name;
}

/// <summary>The layouts and configurations under fuzzing.</summary>
internal static class FuzzTargets
{
    /// <summary>
    /// Tiny (5 parameters), Mixed (67, decayed and not), Frozen (84, of which 66 trainable) and the digits MLP
    /// (2,410, dense layers; a checkpoint of up to 38.6 KB, so fuzzed less often: its CRCs dominate the time).
    /// </summary>
    public static readonly FuzzLayout[] Layouts =
    {
        new("TinyLayout", typeof(TinyLayout), 5, 5, 4),
        new("MixedLayout", typeof(MixedLayout), 67, 67, 4),
        new("FrozenLayout", typeof(FrozenLayout), 84, 66, 4),
        new("DigitsMlp", typeof(DigitsMlp), 2410, 2410, 1),
    };

    /// <summary>Every layout with every optimizer, with and without the optional state: 24 configurations.</summary>
    public static readonly FuzzConfig[] Configs = CreateConfigs();

    /// <summary>Configuration indices repeated by their layout's weight, for a weighted draw.</summary>
    public static readonly int[] WeightedConfigs = CreateWeighted();

    public static FuzzConfig Find(string name)
    {
        foreach (FuzzConfig config in Configs)
        {
            if (config.Name == name)
            {
                return config;
            }
        }

        throw new ArgumentException($"No fuzz configuration named {name}.", nameof(name));
    }

    private static FuzzConfig[] CreateConfigs()
    {
        var configs = new List<FuzzConfig>();
        foreach (FuzzLayout layout in Layouts)
        {
            foreach (FuzzKind kind in new[] { FuzzKind.Sgd, FuzzKind.Adam, FuzzKind.AdamW })
            {
                foreach (bool withState in new[] { false, true })
                {
                    configs.Add(new FuzzConfig(configs.Count, layout, kind, withState));
                }
            }
        }

        return configs.ToArray();
    }

    private static int[] CreateWeighted()
    {
        var indices = new List<int>();
        foreach (FuzzConfig config in Configs)
        {
            for (int i = 0; i < config.Layout.Weight; i++)
            {
                indices.Add(config.Index);
            }
        }

        return indices.ToArray();
    }
}

/// <summary>Hyperparameters and options of an optimizer that a checkpoint carries; all valid for the setters.</summary>
internal sealed record FuzzHyper(
    float LearningRate,
    float Momentum,
    float Dampening,
    float Beta1,
    float Beta2,
    float Epsilon,
    float WeightDecay,
    float MaxGradientNorm,
    bool Nesterov,
    bool SkipNonFiniteSteps,
    bool ScheduleCoupled);

/// <summary>
/// A model and optimizer of one <see cref="FuzzConfig"/>, driven through reflection so one fuzzer serves every
/// generated layout. The calls that run per input (save, load, step) are bound once as delegates; the reflection
/// metadata is looked up once per configuration.
/// </summary>
internal sealed class FuzzOptimizer
{
    private static readonly Binding?[] s_bindings = new Binding?[FuzzTargets.Configs.Length];

    private readonly object _optimizer;
    private readonly Binding _binding;
    private readonly Func<byte[], int, int> _save;
    private readonly Action<byte[], int, int> _load;
    private readonly Action<Stream> _loadStream;
    private readonly Action _step;
    private readonly Func<int> _checkpointBytes;
    private readonly Func<byte[], int, CheckpointKey?, ulong, int> _saveSealed;
    private readonly Action<byte[], int, int, CheckpointKey?, ulong> _loadSealed;
    private readonly Action<Stream, CheckpointKey?, ulong> _loadStreamSealed;

    public FuzzOptimizer(FuzzConfig config)
    {
        Config = config;
        _binding = s_bindings[config.Index] ??= new Binding(config);
        object model = Activator.CreateInstance(_binding.Layout)!;
        _optimizer = Activator.CreateInstance(_binding.Optimizer, model)!;
        Parameters = (float[])_binding.Parameters.GetValue(model)!;
        Gradients = (float[])_binding.Gradients.GetValue(model)!;
        _save = _binding.Save.CreateDelegate<Func<byte[], int, int>>(_optimizer);
        _load = _binding.Load.CreateDelegate<Action<byte[], int, int>>(_optimizer);
        _loadStream = _binding.LoadStream.CreateDelegate<Action<Stream>>(_optimizer);
        _step = _binding.Step.CreateDelegate<Action>(_optimizer);
        _checkpointBytes = _binding.CheckpointBytes.CreateDelegate<Func<int>>(_optimizer);
        _saveSealed = _binding.SaveSealed.CreateDelegate<Func<byte[], int, CheckpointKey?, ulong, int>>(_optimizer);
        _loadSealed = _binding.LoadSealed.CreateDelegate<Action<byte[], int, int, CheckpointKey?, ulong>>(_optimizer);
        _loadStreamSealed = _binding.LoadStreamSealed.CreateDelegate<Action<Stream, CheckpointKey?, ulong>>(_optimizer);

        // The optional state exists from configuration on, as a user would set it up before the first step.
        if (config.WithState)
        {
            Set(config.Kind == FuzzKind.Sgd ? "Momentum" : "Amsgrad", config.Kind == FuzzKind.Sgd ? 0.5f : true);
        }
    }

    public FuzzConfig Config { get; }

    public float[] Parameters { get; }

    public float[] Gradients { get; }

    public int CheckpointBytes => _checkpointBytes();

    public ulong LayoutHash => (ulong)Get("CheckpointLayoutHash");

    public long StepCount => (long)Get("StepCount");

    public int Save(byte[] destination, int offset) => _save(destination, offset);

    public byte[] Save()
    {
        var bytes = new byte[CheckpointBytes];
        Save(bytes, 0);
        return bytes;
    }

    public void Load(byte[] source, int offset, int count) => _load(source, offset, count);

    /// <summary>A sealed checkpoint numbered <paramref name="sequence"/>: <c>SaveCheckpoint(byte[], int, CheckpointKey, ulong)</c>.</summary>
    public byte[] SaveSealed(CheckpointKey key, ulong sequence)
    {
        var bytes = new byte[CheckpointBytes + CheckpointKey.TagBytes];
        _saveSealed(bytes, 0, key, sequence);
        return bytes;
    }

    /// <summary>The authenticating load: <c>LoadCheckpoint(byte[], int, int, CheckpointKey, ulong)</c>.</summary>
    public void LoadSealed(byte[] source, int offset, int count, CheckpointKey? key, ulong minimum) => _loadSealed(source, offset, count, key, minimum);

    public void LoadSealed(Stream stream, CheckpointKey? key, ulong minimum) => _loadStreamSealed(stream, key, minimum);

    public void Load(Stream stream) => _loadStream(stream);

    public void Step() => _step();

    /// <summary>Sets hyperparameters and options through the public setters (so they are valid by construction).</summary>
    public void Configure(FuzzHyper hyper)
    {
        Set("LearningRate", hyper.LearningRate);
        Set("WeightDecay", hyper.WeightDecay);
        Set("MaxGradientNorm", hyper.MaxGradientNorm);
        Set("SkipNonFiniteSteps", hyper.SkipNonFiniteSteps);
        if (Config.Kind == FuzzKind.Sgd)
        {
            // Momentum 0 with a buffer is a valid state (momentum turned off again); without a buffer it stays 0.
            float momentum = Config.WithState ? hyper.Momentum : 0f;
            bool nesterov = hyper.Nesterov && momentum != 0f;
            Set("Nesterov", false);
            Set("Dampening", nesterov ? 0f : hyper.Dampening);
            Set("Momentum", momentum);
            Set("Nesterov", nesterov);
        }
        else
        {
            Set("Beta1", hyper.Beta1);
            Set("Beta2", hyper.Beta2);
            Set("Epsilon", hyper.Epsilon);
            if (Config.Kind == FuzzKind.AdamW)
            {
                _binding.DecayMode!.SetValue(_optimizer, Enum.ToObject(_binding.DecayMode.PropertyType, hyper.ScheduleCoupled ? 1 : 0));
            }
        }
    }

    private void Set(string property, object value) => _binding.Property(property).SetValue(_optimizer, value);

    private object Get(string property) => _binding.Property(property).GetValue(_optimizer)!;

    /// <summary>The reflection metadata of one configuration's layout and optimizer.</summary>
    private sealed class Binding
    {
        private readonly Dictionary<string, PropertyInfo> _properties = new();

        public Binding(FuzzConfig config)
        {
            Layout = config.Layout.Type;
            Optimizer = Layout.GetNestedType(config.Kind + "Optimizer")!;
            Parameters = Layout.GetField("Parameters")!;
            Gradients = Layout.GetField("Gradients")!;
            Save = Optimizer.GetMethod("SaveCheckpoint", new[] { typeof(byte[]), typeof(int) })!;
            Load = Optimizer.GetMethod("LoadCheckpoint", new[] { typeof(byte[]), typeof(int), typeof(int) })!;
            LoadStream = Optimizer.GetMethod("LoadCheckpoint", new[] { typeof(Stream) })!;
            SaveSealed = Optimizer.GetMethod("SaveCheckpoint", new[] { typeof(byte[]), typeof(int), typeof(CheckpointKey), typeof(ulong) })!;
            LoadSealed = Optimizer.GetMethod("LoadCheckpoint", new[] { typeof(byte[]), typeof(int), typeof(int), typeof(CheckpointKey), typeof(ulong) })!;
            LoadStreamSealed = Optimizer.GetMethod("LoadCheckpoint", new[] { typeof(Stream), typeof(CheckpointKey), typeof(ulong) })!;
            Step = Optimizer.GetMethod("Step", Type.EmptyTypes)!;
            CheckpointBytes = Optimizer.GetProperty("CheckpointBytes")!.GetMethod!;
            DecayMode = Optimizer.GetProperty("DecayMode", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
            foreach (PropertyInfo property in Optimizer.GetProperties())
            {
                _properties[property.Name] = property;
            }
        }

        public Type Layout { get; }

        public Type Optimizer { get; }

        public FieldInfo Parameters { get; }

        public FieldInfo Gradients { get; }

        public MethodInfo Save { get; }

        public MethodInfo Load { get; }

        public MethodInfo LoadStream { get; }

        public MethodInfo SaveSealed { get; }

        public MethodInfo LoadSealed { get; }

        public MethodInfo LoadStreamSealed { get; }

        public MethodInfo Step { get; }

        public MethodInfo CheckpointBytes { get; }

        public PropertyInfo? DecayMode { get; }

        public PropertyInfo Property(string name) => _properties[name];
    }
}

using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// Drives a generated layout and one of its optimizers through reflection, so the device build
/// (loaded from its file) and the desktop build (compiled into this assembly) run the same code.
/// </summary>
internal sealed class ReflectedOptimizer
{
    private readonly object _optimizer;
    private readonly Action _step;

    public ReflectedOptimizer(Type layoutType, string optimizerName, IReadOnlyDictionary<string, object> settings)
    {
        object model = Activator.CreateInstance(layoutType)!;
        Parameters = (float[])layoutType.GetField("Parameters")!.GetValue(model)!;
        Gradients = (float[])layoutType.GetField("Gradients")!.GetValue(model)!;
        Type optimizerType = layoutType.GetNestedType(optimizerName) ?? throw new InvalidOperationException(optimizerName + " not generated");
        _optimizer = Activator.CreateInstance(optimizerType, model)!;
        foreach ((string name, object value) in settings)
        {
            optimizerType.GetProperty(name)!.SetValue(_optimizer, value);
        }

        _step = optimizerType.GetMethod("Step")!.CreateDelegate<Action>(_optimizer);
    }

    public float[] Parameters { get; }

    public float[] Gradients { get; }

    public void Step() => _step();
}

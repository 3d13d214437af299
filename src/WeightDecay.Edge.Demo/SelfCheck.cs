using System.Globalization;
using WeightDecay.Edge;

namespace WeightDecay.Edge.Demo;

/// <summary>
/// <c>--self-check</c>: steps every generated optimizer in each of its modes and verifies that a
/// step allocates nothing and leaves every parameter finite. CI runs it on the Native AOT build,
/// where the JIT's tests cannot reach.
/// </summary>
internal static class SelfCheck
{
    private const int Steps = 1000;

    public static int Run()
    {
        (string Name, Func<ToyRegression, IOptimizer> Create)[] modes =
        [
            ("SGD", m => new ToyRegression.SgdOptimizer(m) { LearningRate = 0.01f, WeightDecay = 1e-4f }),
            ("SGD momentum", m => new ToyRegression.SgdOptimizer(m) { LearningRate = 0.01f, Momentum = 0.9f, Dampening = 0.1f, WeightDecay = 1e-4f }),
            ("SGD Nesterov", m => new ToyRegression.SgdOptimizer(m) { LearningRate = 0.01f, Momentum = 0.9f, Nesterov = true }),
            ("Adam", m => new ToyRegression.AdamOptimizer(m) { WeightDecay = 1e-4f }),
            ("Adam AMSGrad", m => new ToyRegression.AdamOptimizer(m) { Amsgrad = true }),
            ("AdamW", m => new ToyRegression.AdamWOptimizer(m)),
            ("AdamW AMSGrad", m => new ToyRegression.AdamWOptimizer(m) { Amsgrad = true }),
        ];

        int failures = 0;
        Console.WriteLine($"Runtime: {(System.Runtime.JitInfo.GetCompiledMethodCount() > 0 ? "JIT" : "Native AOT")}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
        foreach ((string name, Func<ToyRegression, IOptimizer> create) in modes)
        {
            var model = new ToyRegression();
            IOptimizer optimizer = create(model);
            for (int i = 0; i < ToyRegression.ParameterCount; i++)
            {
                model.Parameters[i] = 0.5f - (i * 0.1f);
                model.Gradients[i] = 0.25f - (i * 0.05f);
            }

            optimizer.Step(); // Warm-up, outside the measurement.
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int step = 0; step < Steps; step++)
            {
                optimizer.Step();
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            bool finite = model.Parameters.All(float.IsFinite);
            bool ok = allocated == 0 && finite;
            failures += ok ? 0 : 1;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-14} {Steps} steps: {allocated} bytes allocated, parameters finite: {finite}  {(ok ? "ok" : "FAIL")}"));
        }

        Console.WriteLine(failures == 0 ? "self-check passed" : $"self-check FAILED ({failures})");
        return failures == 0 ? 0 : 1;
    }
}

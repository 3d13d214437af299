using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Runtime.Intrinsics;
using System.Threading;

namespace WeightDecay.Edge.Tests;

/// <summary>
/// The desktop profile emits one update loop per SIMD width and picks one at run time. CI runs this
/// suite several times with the runtime's ISA switches turned off, so every path is checked
/// against the references; this test proves each run really took the path it was meant to.
/// </summary>
/// <remarks>
/// The path is read from the generated code itself, not worked out here: the JIT compiles a method
/// the first time it is called, so the runtime's JIT events during the first <c>Step()</c> of a
/// fresh copy of the layout name the kernels the generated dispatch called
/// (<c>AdamWKernels.UpdateDecayedVector256</c>, or <c>UpdateDecayedScalar</c>), which the dispatcher <c>UpdateDecayed</c> picks.
/// </remarks>
public class HardwarePathTests
{
    /// <summary>Set by .ci/run: Vector512, Vector256, Vector128 or Scalar.</summary>
    private const string ExpectedPathVariable = "WDE_EXPECTED_SIMD_PATH";

    private static readonly string[] s_vectorPaths = { "Vector512", "Vector256", "Vector128" };
    private static readonly string[] s_paths = { "Vector512", "Vector256", "Vector128", "Scalar" };

    [Fact]
    public void The_run_uses_the_update_path_ci_asked_for()
    {
        string expected = Environment.GetEnvironmentVariable(ExpectedPathVariable) ?? WidestPathOfThisMachine();

        Assert.Equal(expected, PathTakenByTheGeneratedStep());
    }

    /// <summary>
    /// Steps a fresh <see cref="HardwarePathProbe"/> once while listening to the JIT, and names the path from the update
    /// methods that were compiled. The SIMD kernels are shared by every AdamW layout of this assembly, so other tests may
    /// have compiled them already: the probe runs in a fresh copy of this assembly, in a load context of its own, and only
    /// the JIT events of that copy's methods (told apart by method handle, not by name) count.
    /// </summary>
    private static string PathTakenByTheGeneratedStep()
    {
        var context = new AssemblyLoadContext("HardwarePathProbe", isCollectible: true);
        try
        {
            Assembly copy = context.LoadFromAssemblyPath(typeof(HardwarePathProbe).Assembly.Location);
            Type probe = copy.GetType(typeof(HardwarePathProbe).FullName!, throwOnError: true)!;
            Type optimizer = copy.GetType(typeof(HardwarePathProbe.AdamWOptimizer).FullName!, throwOnError: true)!;
            Type kernels = copy.GetType("WeightDecay.Edge.Generated.AdamWKernels", throwOnError: true)!;
            Dictionary<long, string> optimizerMethods = Handles(optimizer);
            Dictionary<long, string> kernelMethods = Handles(kernels);
            Assert.True(
                kernelMethods.Values.Any(name => s_vectorPaths.Any(path => name.EndsWith(path, StringComparison.Ordinal))),
                "The assembly has no SIMD AdamW kernel at all: " + string.Join(", ", kernelMethods.Values.Order(StringComparer.Ordinal)));

            long[] compiled;
            using (var listener = new JitListener())
            {
                object model = Activator.CreateInstance(probe)!;
                ((float[])probe.GetField(nameof(HardwarePathProbe.Gradients))!.GetValue(model)!).AsSpan().Fill(0.5f);
                object step = Activator.CreateInstance(optimizer, model)!;
                optimizer.GetMethod(nameof(HardwarePathProbe.AdamWOptimizer.Step))!.Invoke(step, null);
                compiled = listener.MethodsCompiledBefore(Marker);
            }

            // Each path's kernels end in its name (UpdateDecayedVector256, UpdateDecayedScalar); the dispatcher that picks one
            // (UpdateDecayed) names no path.
            string[] kernelsCompiled = compiled.Where(kernelMethods.ContainsKey).Select(id => kernelMethods[id]).ToArray();
            string[] pathsRun = s_paths
                .Where(path => kernelsCompiled.Any(name => name.EndsWith(path, StringComparison.Ordinal)))
                .ToArray();
            string description = "Compiled during the first Step(): "
                + string.Join(", ", compiled.Where(id => optimizerMethods.ContainsKey(id) || kernelMethods.ContainsKey(id))
                    .Select(id => optimizerMethods.TryGetValue(id, out string? name) ? name : "AdamWKernels." + kernelMethods[id]));
            Assert.True(pathsRun.Length == 1, (pathsRun.Length == 0 ? "No kernel ran. " : "More than one path ran. ") + description);
            return pathsRun[0];
        }
        finally
        {
            context.Unload();
        }
    }

    // The methods a type declares, by the handle the runtime's JIT events name them with (MethodID).
    private static Dictionary<long, string> Handles(Type type) => type
        .GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
        .ToDictionary(method => (long)method.MethodHandle.Value, method => method.Name);

    /// <summary>Called after the step: once its compilation is seen, every earlier event has arrived.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int Marker() => Environment.CurrentManagedThreadId;

    /// <summary>
    /// The independent oracle for an ordinary run: the widest path this machine's hardware runs
    /// well, from the documented ISA classes (AVX-512F; AVX2 with FMA; any 128-bit SIMD on .NET 9+,
    /// which has the cross-platform Vector128.FusedMultiplyAdd that the 128-bit path needs).
    /// </summary>
    private static string WidestPathOfThisMachine()
    {
        if (Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
        {
            return "Vector512";
        }

        if (Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            return "Vector256";
        }

#if NET9_0_OR_GREATER
        if (Vector128.IsHardwareAccelerated)
        {
            return "Vector128";
        }
#endif

        return "Scalar";
    }

    /// <summary>Collects the handles (MethodID) of the methods the JIT compiles while it listens.</summary>
    private sealed class JitListener : EventListener
    {
        private const EventKeywords JitKeyword = (EventKeywords)0x10;
        private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(60);

        private readonly ConcurrentQueue<long> _compiled = new();
        private readonly ManualResetEventSlim _markerSeen = new();
        private volatile bool _ready;

        public JitListener()
        {
            _ready = true;
            foreach (EventSource source in EventSource.GetSources())
            {
                OnEventSourceCreated(source);
            }
        }

        /// <summary>Calls <paramref name="marker"/> and returns what was compiled before it, in order.</summary>
        public long[] MethodsCompiledBefore(Func<int> marker)
        {
            marker();
            Assert.True(_markerSeen.Wait(s_patience), "The runtime sent no JIT events (is EventPipe disabled?).");
            return _compiled.ToArray();
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            // The base constructor calls this before the fields are set; the constructor repeats it.
            if (_ready && eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName is not { } name || !name.StartsWith("MethodJittingStarted", StringComparison.Ordinal)
                || eventData.PayloadNames is null || eventData.Payload is null)
            {
                return;
            }

            int id = eventData.PayloadNames.IndexOf("MethodID");
            if (id >= 0 && eventData.Payload[id] is ulong handle)
            {
                _compiled.Enqueue((long)handle);
            }

            int index = eventData.PayloadNames.IndexOf("MethodName");
            int type = eventData.PayloadNames.IndexOf("MethodNamespace");
            if (index >= 0 && type >= 0 && eventData.Payload[index] as string == nameof(Marker)
                && eventData.Payload[type] as string == typeof(HardwarePathTests).FullName)
            {
                _markerSeen.Set();
            }
        }

        public override void Dispose()
        {
            base.Dispose();
            _markerSeen.Dispose();
        }
    }
}

/// <summary>
/// Only <see cref="HardwarePathTests"/> steps this layout, so its update methods are compiled for
/// the first time there. Every tensor is long enough to fill the widest vector (16 floats).
/// </summary>
[ModelLayout]
[Tensor("W", 8, 8)]
[Tensor("B", 32, Decay = false)]
[AdamW]
public partial class HardwarePathProbe
{
}

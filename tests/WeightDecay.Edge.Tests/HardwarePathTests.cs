using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Reflection;
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
/// layout no other test touches name the update method the generated dispatch called
/// (<c>UpdateVector256</c>, or the scalar <c>Update</c> whose vector siblings stayed uncompiled).
/// </remarks>
public class HardwarePathTests
{
    /// <summary>Set by .ci/run: Vector512, Vector256, Vector128 or Scalar.</summary>
    private const string ExpectedPathVariable = "WDE_EXPECTED_SIMD_PATH";

    private static readonly string[] s_vectorPaths = { "Vector512", "Vector256", "Vector128" };

    [Fact]
    public void The_run_uses_the_update_path_ci_asked_for()
    {
        string expected = Environment.GetEnvironmentVariable(ExpectedPathVariable) ?? WidestPathOfThisMachine();

        Assert.Equal(expected, PathTakenByTheGeneratedStep());
    }

    /// <summary>
    /// Steps a fresh <see cref="HardwarePathProbe"/> once while listening to the JIT, and names the
    /// path from the update methods that were compiled.
    /// </summary>
    private static string PathTakenByTheGeneratedStep()
    {
        Type optimizer = typeof(HardwarePathProbe.AdamWOptimizer);
        HashSet<string> declared = optimizer
            .GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Select(method => method.Name)
            .ToHashSet(StringComparer.Ordinal);
        Assert.True(
            declared.Any(name => s_vectorPaths.Any(path => name.EndsWith(path, StringComparison.Ordinal))),
            "The generated optimizer has no SIMD update method at all: " + string.Join(", ", declared.Order(StringComparer.Ordinal)));

        string[] compiled;
        using (var listener = new JitListener(optimizer.FullName!))
        {
            var model = new HardwarePathProbe();
            model.Gradients.AsSpan().Fill(0.5f);
            new HardwarePathProbe.AdamWOptimizer(model).Step();
            compiled = listener.MethodsCompiledBefore(Marker);
        }

        string[] vectorPaths = s_vectorPaths
            .Where(path => compiled.Any(name => name.EndsWith(path, StringComparison.Ordinal)))
            .ToArray();
        string[] scalarTwins = compiled
            .Where(name => s_vectorPaths.Any(path => declared.Contains(name + path)))
            .ToArray();
        string description = "Compiled during the first Step(): " + string.Join(", ", compiled);
        if (vectorPaths.Length == 0)
        {
            Assert.True(scalarTwins.Length > 0, "No update method of either kind was compiled. " + description);
            return "Scalar";
        }

        Assert.True(vectorPaths.Length == 1 && scalarTwins.Length == 0, "More than one path ran. " + description);
        return vectorPaths[0];
    }

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

    /// <summary>Collects the names of the methods of one type that the JIT compiles while it listens.</summary>
    private sealed class JitListener : EventListener
    {
        private const EventKeywords JitKeyword = (EventKeywords)0x10;
        private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(60);

        private readonly string _typeName;
        private readonly ConcurrentQueue<string> _compiled = new();
        private readonly ManualResetEventSlim _markerSeen = new();
        private volatile bool _ready;

        public JitListener(string typeName)
        {
            _typeName = typeName;
            _ready = true;
            foreach (EventSource source in EventSource.GetSources())
            {
                OnEventSourceCreated(source);
            }
        }

        /// <summary>Calls <paramref name="marker"/> and returns what was compiled before it, in order.</summary>
        public string[] MethodsCompiledBefore(Func<int> marker)
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

            string? type = Payload(eventData, "MethodNamespace");
            string? method = Payload(eventData, "MethodName");
            if (type == _typeName && method is not null)
            {
                _compiled.Enqueue(method);
            }
            else if (method == nameof(Marker) && type == typeof(HardwarePathTests).FullName)
            {
                _markerSeen.Set();
            }
        }

        public override void Dispose()
        {
            base.Dispose();
            _markerSeen.Dispose();
        }

        private static string? Payload(EventWrittenEventArgs eventData, string name)
        {
            int index = eventData.PayloadNames!.IndexOf(name);
            return index >= 0 ? eventData.Payload![index] as string : null;
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

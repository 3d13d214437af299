using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace WeightDecay.Edge.Benchmarks;

/// <summary>
/// The memory-traffic floor: one pass over arrays the size of the layout that moves as many bytes as
/// an optimizer step must and does only additions, with the widest vectors the machine has
/// (<see cref="Vector512{T}"/> where accelerated). Adam/AdamW must read p, g, m, v and write p, m, v
/// (28 bytes per parameter): <see cref="ReadFourWriteThree"/>. SGD with momentum reads p, g, buf and
/// writes p, buf (20 bytes): <see cref="ReadThreeWriteTwo"/>. For layouts larger than the caches no
/// optimizer step can beat these rows; for small ones they show the per-call floor.
/// </summary>
[MemoryDiagnoser]
public class MemoryFloorBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];
    private float[] _d = [];

    /// <summary>The layout whose parameter count sizes the arrays.</summary>
    [ParamsSource(nameof(Layouts))]
    public LayoutCase Layout { get; set; } = LayoutCatalog.Get("Digits2410");

    /// <summary>Every layout of the suite.</summary>
    public static IEnumerable<LayoutCase> Layouts => LayoutCatalog.All;

    /// <summary>Allocates and fills the arrays.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int n = Layout.ParameterCount;
        _a = new float[n];
        _b = new float[n];
        _c = new float[n];
        _d = new float[n];
        TestData.FillUniform(_a, 1);
        TestData.FillUniform(_b, 2);
        TestData.FillUniform(_c, 3);
        TestData.FillUniform(_d, 4);
        // Keep the running sums small: d is tiny, so a += d stays finite over any run.
        for (int i = 0; i < n; i++)
        {
            _d[i] *= 1e-6f;
        }
    }

    /// <summary>Adam/AdamW's traffic: a += d, b += d, c += d (reads a, b, c, d; writes a, b, c).</summary>
    [Benchmark(Baseline = true)]
    public void ReadFourWriteThree()
    {
        ref float a = ref MemoryMarshal.GetArrayDataReference(_a);
        ref float b = ref MemoryMarshal.GetArrayDataReference(_b);
        ref float c = ref MemoryMarshal.GetArrayDataReference(_c);
        ref float d = ref MemoryMarshal.GetArrayDataReference(_d);
        nuint n = (nuint)_a.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            for (nuint last = n - (nuint)Vector512<float>.Count; i <= last; i += (nuint)Vector512<float>.Count)
            {
                Vector512<float> dv = Vector512.LoadUnsafe(ref d, i);
                (Vector512.LoadUnsafe(ref a, i) + dv).StoreUnsafe(ref a, i);
                (Vector512.LoadUnsafe(ref b, i) + dv).StoreUnsafe(ref b, i);
                (Vector512.LoadUnsafe(ref c, i) + dv).StoreUnsafe(ref c, i);
            }
        }
        else if (Vector.IsHardwareAccelerated && n >= (nuint)Vector<float>.Count)
        {
            for (nuint last = n - (nuint)Vector<float>.Count; i <= last; i += (nuint)Vector<float>.Count)
            {
                Vector<float> dv = Vector.LoadUnsafe(ref d, i);
                (Vector.LoadUnsafe(ref a, i) + dv).StoreUnsafe(ref a, i);
                (Vector.LoadUnsafe(ref b, i) + dv).StoreUnsafe(ref b, i);
                (Vector.LoadUnsafe(ref c, i) + dv).StoreUnsafe(ref c, i);
            }
        }

        for (; i < n; i++)
        {
            float di = Unsafe.Add(ref d, i);
            Unsafe.Add(ref a, i) += di;
            Unsafe.Add(ref b, i) += di;
            Unsafe.Add(ref c, i) += di;
        }
    }

    /// <summary>SGD-with-momentum's traffic: a += d, b += d (reads a, b, d; writes a, b).</summary>
    [Benchmark]
    public void ReadThreeWriteTwo()
    {
        ref float a = ref MemoryMarshal.GetArrayDataReference(_a);
        ref float b = ref MemoryMarshal.GetArrayDataReference(_b);
        ref float d = ref MemoryMarshal.GetArrayDataReference(_d);
        nuint n = (nuint)_a.Length;
        nuint i = 0;
        if (Vector512.IsHardwareAccelerated && n >= (nuint)Vector512<float>.Count)
        {
            for (nuint last = n - (nuint)Vector512<float>.Count; i <= last; i += (nuint)Vector512<float>.Count)
            {
                Vector512<float> dv = Vector512.LoadUnsafe(ref d, i);
                (Vector512.LoadUnsafe(ref a, i) + dv).StoreUnsafe(ref a, i);
                (Vector512.LoadUnsafe(ref b, i) + dv).StoreUnsafe(ref b, i);
            }
        }
        else if (Vector.IsHardwareAccelerated && n >= (nuint)Vector<float>.Count)
        {
            for (nuint last = n - (nuint)Vector<float>.Count; i <= last; i += (nuint)Vector<float>.Count)
            {
                Vector<float> dv = Vector.LoadUnsafe(ref d, i);
                (Vector.LoadUnsafe(ref a, i) + dv).StoreUnsafe(ref a, i);
                (Vector.LoadUnsafe(ref b, i) + dv).StoreUnsafe(ref b, i);
            }
        }

        for (; i < n; i++)
        {
            float di = Unsafe.Add(ref d, i);
            Unsafe.Add(ref a, i) += di;
            Unsafe.Add(ref b, i) += di;
        }
    }
}

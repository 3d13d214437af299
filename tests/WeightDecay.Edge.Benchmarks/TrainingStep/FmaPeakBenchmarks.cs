using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace WeightDecay.Edge.Benchmarks.TrainingStep;

/// <summary>
/// The machine's fused multiply-add peak on one core: <see cref="Chains"/> independent accumulators (enough to
/// hide the FMA latency on every x86 core of the last decade) each taking <see cref="Rounds"/> FMAs, all in
/// registers, on the widest vector the generated code uses here. FLOP per invocation =
/// Chains * Rounds * lanes * 2; peak FLOP/s = that / the measured time. docs/benchmarks.md turns it into the
/// training step's floor: FLOP per step / peak FLOP/s.
/// </summary>
[BenchmarkCategory("TrainingStep")]
public class FmaPeakBenchmarks
{
    /// <summary>Independent accumulators.</summary>
    public const int Chains = 12;

    /// <summary>FMAs per accumulator per invocation.</summary>
    public const int Rounds = 10_000;

    /// <summary>Floats per vector on the path measured: 16 with AVX-512, 8 with AVX2 + FMA.</summary>
    public static int Lanes => Avx512F.IsSupported ? 16 : 8;

    /// <summary>12 x 10,000 FMAs on Vector512 (AVX-512) or Vector256 (AVX2 + FMA).</summary>
    [Benchmark]
    public float FmaPeak() => Avx512F.IsSupported ? Peak512() : Peak256();

    private static float Peak512()
    {
        Vector512<float> a = Vector512.Create(0.999f);
        Vector512<float> b = Vector512.Create(1e-3f);
        Vector512<float> c0 = Vector512.Create(0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        Vector512<float> c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int r = 0; r < Rounds; r++)
        {
            c0 = Avx512F.FusedMultiplyAdd(c0, a, b);
            c1 = Avx512F.FusedMultiplyAdd(c1, a, b);
            c2 = Avx512F.FusedMultiplyAdd(c2, a, b);
            c3 = Avx512F.FusedMultiplyAdd(c3, a, b);
            c4 = Avx512F.FusedMultiplyAdd(c4, a, b);
            c5 = Avx512F.FusedMultiplyAdd(c5, a, b);
            c6 = Avx512F.FusedMultiplyAdd(c6, a, b);
            c7 = Avx512F.FusedMultiplyAdd(c7, a, b);
            c8 = Avx512F.FusedMultiplyAdd(c8, a, b);
            c9 = Avx512F.FusedMultiplyAdd(c9, a, b);
            c10 = Avx512F.FusedMultiplyAdd(c10, a, b);
            c11 = Avx512F.FusedMultiplyAdd(c11, a, b);
        }

        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }

    private static float Peak256()
    {
        Vector256<float> a = Vector256.Create(0.999f);
        Vector256<float> b = Vector256.Create(1e-3f);
        Vector256<float> c0 = Vector256.Create(0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
        Vector256<float> c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        for (int r = 0; r < Rounds; r++)
        {
            c0 = Fma.MultiplyAdd(c0, a, b);
            c1 = Fma.MultiplyAdd(c1, a, b);
            c2 = Fma.MultiplyAdd(c2, a, b);
            c3 = Fma.MultiplyAdd(c3, a, b);
            c4 = Fma.MultiplyAdd(c4, a, b);
            c5 = Fma.MultiplyAdd(c5, a, b);
            c6 = Fma.MultiplyAdd(c6, a, b);
            c7 = Fma.MultiplyAdd(c7, a, b);
            c8 = Fma.MultiplyAdd(c8, a, b);
            c9 = Fma.MultiplyAdd(c9, a, b);
            c10 = Fma.MultiplyAdd(c10, a, b);
            c11 = Fma.MultiplyAdd(c11, a, b);
        }

        return Vector256.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}

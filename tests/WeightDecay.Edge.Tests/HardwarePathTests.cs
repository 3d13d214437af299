using System;
using System.Runtime.Intrinsics;

namespace WeightDecay.Edge.Tests;

/// <summary>
/// The desktop profile emits one update loop per SIMD width and picks one at run time. CI runs this
/// suite several times with the runtime's ISA switches turned off, so every path is checked
/// against the references; this test proves each run really took the path it was meant to.
/// </summary>
public class HardwarePathTests
{
    /// <summary>Set by .ci/run: Vector512, Vector256, Vector128 or Scalar.</summary>
    private const string ExpectedPathVariable = "WDE_EXPECTED_SIMD_PATH";

    [Fact]
    public void The_run_uses_the_update_path_ci_asked_for()
    {
        string? expected = Environment.GetEnvironmentVariable(ExpectedPathVariable);
        string actual = ActivePath();
        if (expected is null)
        {
            // An ordinary run: the machine's own best path, which on CI's AVX-512 machines is the widest.
            Assert.Contains(actual, new[] { "Vector512", "Vector256", "Vector128", "Scalar" });
            return;
        }

        Assert.Equal(expected, actual);
    }

    /// <summary>The same tests, in the same order, as the generated dispatch.</summary>
    private static string ActivePath()
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
}

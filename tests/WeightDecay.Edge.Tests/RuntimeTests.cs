using System;
using System.IO;
using System.Runtime.InteropServices;

namespace WeightDecay.Edge.Tests;

/// <summary>The tests run on the runtime their target framework names, not a rolled-forward one.</summary>
public class RuntimeTests
{
#if NET10_0_OR_GREATER
    private const int ExpectedMajor = 10;
#elif NET8_0
    private const int ExpectedMajor = 8;
#else
#error Add the expected runtime for this target framework.
#endif

    [Fact]
    public void Runtime_major_version_matches_the_target_framework()
    {
        Assert.Equal(ExpectedMajor, Environment.Version.Major);
        Assert.StartsWith($".NET {ExpectedMajor}.", RuntimeInformation.FrameworkDescription, StringComparison.Ordinal);
    }

#if !NET10_0_OR_GREATER
    [Fact]
    public void Net8_runs_self_contained_from_the_test_output()
    {
        // Only the .NET 10 shared runtime is installed here: the 8.0 core library must come from the
        // self-contained output, not from a shared framework folder.
        string coreLibrary = typeof(object).Assembly.Location;
        Assert.Equal(
            Path.GetFullPath(AppContext.BaseDirectory).TrimEnd(Path.DirectorySeparatorChar),
            Path.GetDirectoryName(Path.GetFullPath(coreLibrary)));
    }
#endif
}

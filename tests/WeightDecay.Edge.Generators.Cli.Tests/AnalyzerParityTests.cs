namespace WeightDecay.Edge.Generators.Cli.Tests;

/// <summary>
/// The tool's files are the analyzer's files, byte for byte. The reference is the real compiler
/// (the SDK's csc, as dotnet build runs it for device/WeightDecay.Edge.Device.Samples: C# 7.3,
/// nanoFramework's mscorlib only) loading the very generator assembly the tool runs, with
/// /generatedfilesout (EmitCompilerGeneratedFiles). Both are produced in this test run, so the
/// test holds whatever the generator currently emits.
/// </summary>
public sealed class AnalyzerParityTests
{
    [Fact]
    public void Tool_output_equals_the_compilers_analyzer_output_for_the_device_samples()
    {
        AssertParity(TestPaths.SampleLayouts);
    }

    [Fact]
    public void Tool_output_equals_the_compilers_analyzer_output_for_the_firmware()
    {
        AssertParity(TestPaths.FirmwareProgram, TestPaths.FirmwareAssemblyInfo);
    }

    private static void AssertParity(params string[] sources)
    {
        string work = TestPaths.NewTempDirectory();
        string toolOut = Path.Combine(work, "tool");
        string compilerOut = Path.Combine(work, "compiler");

        ProcessResult tool = Tool.Run(
            new[] { "--reference", TestPaths.NanoFrameworkMscorlib, "--out", toolOut }.Concat(sources).ToArray());
        Assert.True(tool.ExitCode == 0, tool.ToString());

        // MSBuild creates this folder before calling csc; csc itself does not.
        string compilerFiles = Path.Combine(compilerOut, "WeightDecay.Edge.Generators", "WeightDecay.Edge.Generators.ModelLayoutGenerator");
        Directory.CreateDirectory(compilerFiles);
        var cscArguments = new List<string>
        {
            "exec", TestPaths.CscDll,
            "/noconfig", "/nologo", "/nostdlib+", "/deterministic+", "/target:library", "/langversion:7.3",
            "/warnaserror+",
            "/reference:" + TestPaths.NanoFrameworkMscorlib,
            "/analyzer:" + TestPaths.GeneratorDll,
            "/generatedfilesout:" + compilerOut,
            "/out:" + Path.Combine(work, "Samples.dll"),
        };
        cscArguments.AddRange(sources);
        ProcessResult csc = ProcessRunner.Dotnet(cscArguments.ToArray());
        Assert.True(csc.ExitCode == 0, csc.ToString());

        // csc writes to <out>/<generator assembly>/<generator type>/<hint name>.
        string[] expected = Names(compilerFiles);
        string[] actual = Names(toolOut);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, actual);
        foreach (string name in expected)
        {
            byte[] expectedBytes = File.ReadAllBytes(Path.Combine(compilerFiles, name));
            byte[] actualBytes = File.ReadAllBytes(Path.Combine(toolOut, name));
            Assert.True(expectedBytes.AsSpan().SequenceEqual(actualBytes), $"{name} differs from the analyzer's output.");
        }

        Directory.Delete(work, recursive: true);
    }

    private static string[] Names(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(directory, path).Replace('\\', '/'))
            .OrderBy(name => name, StringComparer.Ordinal)
            .ToArray();
}

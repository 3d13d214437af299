namespace WeightDecay.Edge.Generators.Cli.Tests;

/// <summary>
/// The shipped .nfproj's generation target (path B), run with MSBuild here: without the
/// nanoFramework extension its imports are skipped, but the WdeGenerate target is plain MSBuild.
/// The project is copied next to a packages folder laid out as a packages.config restore leaves
/// it (packages/nanoFramework.CoreLibrary.1.17.11/lib/mscorlib.dll).
/// </summary>
public sealed class FirmwareProjectTests
{
    [Fact]
    public void Nfproj_generation_target_writes_what_the_tool_writes()
    {
        string project = TestPaths.NewTempDirectory();
        foreach (string file in new[] { "WeightDecay.Edge.Device.Firmware.nfproj", "Program.cs", "packages.config" })
        {
            File.Copy(Path.Combine(TestPaths.FirmwareDirectory, file), Path.Combine(project, file));
        }

        string lib = Path.Combine(project, "packages", "nanoFramework.CoreLibrary.1.17.11", "lib");
        Directory.CreateDirectory(lib);
        File.Copy(TestPaths.NanoFrameworkMscorlib, Path.Combine(lib, "mscorlib.dll"));

        ProcessResult build = ProcessRunner.Dotnet(
            new[]
            {
                "msbuild", Path.Combine(project, "WeightDecay.Edge.Device.Firmware.nfproj"), "-t:WdeGenerate", "-nologo",
                // One argument, no quotes inside: MSBuild takes the rest of it as the value.
                $"-p:WdeGenerateCommand={TestPaths.DotnetHost} exec {TestPaths.CliDll}",
            },
            project);
        Assert.True(build.ExitCode == 0, build.ToString());

        string expected = TestPaths.NewTempDirectory();
        ProcessResult tool = Tool.Run("-r", TestPaths.NanoFrameworkMscorlib, "-o", expected, TestPaths.FirmwareProgram);
        Assert.True(tool.ExitCode == 0, tool.ToString());

        string generated = Path.Combine(project, "Generated");
        string[] names = Directory.GetFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(names, Directory.GetFiles(generated).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (string name in names)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(expected, name)), File.ReadAllBytes(Path.Combine(generated, name)));
        }
    }
}

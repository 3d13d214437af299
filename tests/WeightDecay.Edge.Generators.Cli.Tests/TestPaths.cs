using System.Reflection;

namespace WeightDecay.Edge.Generators.Cli.Tests;

/// <summary>Paths the build passes in (AssemblyMetadata) and temporary folders.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot => Metadata("RepositoryRoot");

    /// <summary>The folder of the built tool: wde-generate.dll and the generator it runs.</summary>
    public static string CliDirectory => Metadata("WdeCliDirectory");

    public static string CliDll => Path.Combine(CliDirectory, "wde-generate.dll");

    /// <summary>The generator assembly the tool loads (copied next to it by its ProjectReference).</summary>
    public static string GeneratorDll => Path.Combine(CliDirectory, "WeightDecay.Edge.Generators.dll");

    public static string NanoFrameworkMscorlib => Path.GetFullPath(Metadata("NanoFrameworkMscorlib"));

    /// <summary>The SDK's C# compiler (the one dotnet build runs).</summary>
    public static string CscDll => Metadata("CscDll");

    /// <summary>The dotnet host that built the tests, or "dotnet" from PATH.</summary>
    public static string DotnetHost
    {
        get
        {
            string host = Metadata("DotnetHost");
            return host.Length > 0 && File.Exists(host) ? host : "dotnet";
        }
    }

    public static string SampleLayouts => Path.Combine(RepositoryRoot, "device", "WeightDecay.Edge.Device.Samples", "SampleLayouts.cs");

    public static string FirmwareDirectory => Path.Combine(RepositoryRoot, "device", "WeightDecay.Edge.Device.Firmware");

    public static string FirmwareProgram => Path.Combine(FirmwareDirectory, "Program.cs");

    public static string FirmwareAssemblyInfo => Path.Combine(FirmwareDirectory, "Properties", "AssemblyInfo.cs");

    /// <summary>A new empty folder under the system temp folder.</summary>
    public static string NewTempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "wde-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value ?? string.Empty;
}

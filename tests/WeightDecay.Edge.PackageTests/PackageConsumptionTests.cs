using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;

namespace WeightDecay.Edge.PackageTests;

public sealed class PackageConsumptionTests : IDisposable
{
    private const string Version = "0.1.0-test";
    private readonly string _work = Directory.CreateTempSubdirectory("wde-package-").FullName;

    private static string RepositoryRoot => Metadata("RepositoryRoot");

    private static string Configuration => Metadata("Configuration");

    public void Dispose() => Directory.Delete(_work, recursive: true);

    [Fact]
    public void One_package_reference_brings_the_runtime_and_the_generator()
    {
        string feed = Path.Combine(_work, "feed");
        Run(RepositoryRoot, "pack", "src/WeightDecay.Edge", "--no-build", "-c", Configuration, "-o", feed, $"-p:Version={Version}");
        string package = Path.Combine(feed, $"WeightDecay.Edge.{Version}.nupkg");
        using (ZipArchive archive = ZipFile.OpenRead(package))
        {
            string[] entries = archive.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("analyzers/dotnet/cs/WeightDecay.Edge.Generators.dll", entries);
            Assert.Contains("lib/net8.0/WeightDecay.Edge.dll", entries);
            Assert.Contains("lib/net10.0/WeightDecay.Edge.dll", entries);
        }

        string consumer = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(consumer);
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(consumer, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{Path.Combine(_work, "packages")}</RestorePackagesPath>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="WeightDecay.Edge" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(consumer, "Program.cs"), """
            using WeightDecay.Edge;

            var model = new Head();
            model.W[0] = 1f;
            IOptimizer optimizer = new Head.AdamWOptimizer(model) { LearningRate = 0.1f, WeightDecay = 0.5f };
            optimizer.Step();
            System.Console.WriteLine($"count={Head.ParameterCount} w0={model.W[0]:R}");

            [ModelLayout]
            [Tensor("W", 3, 2)]
            [Tensor("B", 2, Decay = false)]
            [AdamW]
            public partial class Head { }
            """);

        string output = Run(consumer, "run", "-c", "Release");

        // With zero gradient, one AdamW step only decays: 1 * (1 - 0.1 * 0.5).
        Assert.Contains($"count=8 w0={(float)(1 - (0.1 * 0.5)):R}", output);
    }

    private static string Metadata(string key) =>
        typeof(PackageConsumptionTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}\n{error.Result}");
        return output;
    }
}

using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Text.Json;

namespace WeightDecay.Edge.PackageTests;

/// <summary>
/// Each test packs the library and restores and builds a fresh project with the dotnet CLI: about a
/// minute on a 2-core machine, so they are long tests, run by a later step of .ci/run (tests/README.md).
/// </summary>
[Trait("Category", "Long")]
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
        string package = Pack(feed);
        using (ZipArchive archive = ZipFile.OpenRead(package))
        {
            string[] entries = archive.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("analyzers/dotnet/cs/WeightDecay.Edge.Generators.dll", entries);
            Assert.Contains("lib/net8.0/WeightDecay.Edge.dll", entries);
            Assert.Contains("lib/net10.0/WeightDecay.Edge.dll", entries);
        }

        string consumer = Path.Combine(_work, "consumer");
        Directory.CreateDirectory(consumer);
        WriteNuGetConfig(consumer, feed);
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

    /// <summary>
    /// A packages.config project (a .nfproj) gets no analyzers from NuGet: the package's build targets
    /// add the generator. Laid out as a packages.config restore leaves it (packages\&lt;id&gt;.&lt;version&gt;\
    /// next to the project folder, the targets imported from its build\ folder), the project's Analyzer
    /// items resolve to the generator inside the package; an SDK-style project gets none from the
    /// targets (NuGet adds it) but gets the WEIGHTDECAY_EDGE_RUNTIME symbol.
    /// </summary>
    [Fact]
    public void Packed_build_targets_add_the_analyzer_to_a_packages_config_project()
    {
        string package = Pack(Path.Combine(_work, "feed"));
        string installed = Path.Combine(_work, "packages", $"WeightDecay.Edge.{Version}");
        ZipFile.ExtractToDirectory(package, installed);
        Assert.True(File.Exists(Path.Combine(installed, "build", "WeightDecay.Edge.targets")));
        Assert.True(File.Exists(Path.Combine(installed, "buildTransitive", "WeightDecay.Edge.targets")));
        string generator = Path.Combine(installed, "analyzers", "dotnet", "cs", "WeightDecay.Edge.Generators.dll");
        Assert.True(File.Exists(generator));

        // As NuGet writes the import into a packages.config project on install.
        string targets = $@"..\packages\WeightDecay.Edge.{Version}\build\WeightDecay.Edge.targets";
        string firmware = Path.Combine(_work, "Firmware");
        Directory.CreateDirectory(firmware);
        string project = Path.Combine(firmware, "Firmware.nfproj");
        File.WriteAllText(project, $"""
            <Project>
              <PropertyGroup>
                <DefineConstants>NANOFRAMEWORK_1_0</DefineConstants>
              </PropertyGroup>
              <Import Project="{targets}" Condition="Exists('{targets}')" />
            </Project>
            """);

        Assert.Equal([Path.GetFullPath(generator)], Analyzers(Run(firmware, "msbuild", project, "-getItem:Analyzer", "-nologo")));
        Assert.DoesNotContain("WEIGHTDECAY_EDGE_RUNTIME", Run(firmware, "msbuild", project, "-getProperty:DefineConstants", "-nologo"));

        // The same file already added by hand (device/README.md's old step) is not added twice.
        string twice = Path.Combine(firmware, "Twice.nfproj");
        File.WriteAllText(twice, $"""
            <Project>
              <ItemGroup>
                <Analyzer Include="..\packages\WeightDecay.Edge.{Version}\analyzers\dotnet\cs\WeightDecay.Edge.Generators.dll" />
              </ItemGroup>
              <Import Project="{targets}" Condition="Exists('{targets}')" />
            </Project>
            """);
        Assert.Equal([Path.GetFullPath(generator)], Analyzers(Run(firmware, "msbuild", twice, "-getItem:Analyzer", "-nologo")));

        // An SDK-style project: no Analyzer item from the targets, the runtime symbol instead.
        Assert.Empty(Analyzers(Run(firmware, "msbuild", project, "-p:UsingMicrosoftNETSdk=true", "-getItem:Analyzer", "-nologo")));
        Assert.Contains(
            "NANOFRAMEWORK_1_0;WEIGHTDECAY_EDGE_RUNTIME",
            Run(firmware, "msbuild", project, "-p:UsingMicrosoftNETSdk=true", "-getProperty:DefineConstants", "-nologo"));
    }

    /// <summary>The full paths of the Analyzer items in <c>msbuild -getItem:Analyzer</c>'s JSON.</summary>
    /// <summary>
    /// A solution as people build them: a class library that declares a layout and grants
    /// InternalsVisibleTo to an app that declares its own, both through the package, warnings as
    /// errors. The shared types come once from the runtime library, so the app catches the library
    /// layout's CheckpointException, sets its Schedule (a schedule class of the app's own) and
    /// DecayMode, and compiles without a single CS0436.
    /// </summary>
    [Fact]
    public void A_library_and_its_InternalsVisibleTo_app_share_one_set_of_types()
    {
        string feed = Path.Combine(_work, "feed");
        Pack(feed);
        string solution = Path.Combine(_work, "solution");
        Directory.CreateDirectory(Path.Combine(solution, "Lib"));
        Directory.CreateDirectory(Path.Combine(solution, "App"));
        WriteNuGetConfig(solution, feed);
        string common = $"""
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <RestorePackagesPath>{Path.Combine(_work, "packages")}</RestorePackagesPath>
            """;
        File.WriteAllText(Path.Combine(solution, "Lib", "Lib.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
            {common}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="WeightDecay.Edge" Version="{Version}" />
                <InternalsVisibleTo Include="App" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(solution, "Lib", "LibHead.cs"), """
            using WeightDecay.Edge;

            namespace Lib;

            [ModelLayout]
            [Tensor("W", 3, 2)]
            [AdamW]
            public partial class LibHead { }

            internal static class LibInternals
            {
                public static int Count => LibHead.ParameterCount;
            }
            """);
        File.WriteAllText(Path.Combine(solution, "App", "App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
            {common}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="WeightDecay.Edge" Version="{Version}" />
                <ProjectReference Include="../Lib/Lib.csproj" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(solution, "App", "Program.cs"), """
            using WeightDecay.Edge;

            var model = new Lib.LibHead();
            var optimizer = new Lib.LibHead.AdamWOptimizer(model) { Schedule = new Halving(), DecayMode = DecoupledDecay.ScheduleCoupled };
            IOptimizer any = optimizer;
            string caught;
            try
            {
                any.LoadCheckpoint(new byte[64], 0, 64);
                caught = "nothing";
            }
            catch (CheckpointException exception)
            {
                caught = exception.Error.ToString();
            }

            System.Console.WriteLine($"caught={caught} internals={Lib.LibInternals.Count} app={AppHead.ParameterCount} rate={optimizer.Schedule.Multiplier(3):R}");

            [ModelLayout]
            [Tensor("V", 4)]
            [Sgd]
            internal partial class AppHead { }

            internal sealed class Halving : LearningRateSchedule
            {
                public override double Multiplier(long step) => System.Math.Pow(0.5, step);
            }
            """);

        string build = Run(Path.Combine(solution, "App"), "build", "-c", "Release");
        Assert.DoesNotContain("CS0436", build);
        string output = Run(Path.Combine(solution, "App"), "run", "-c", "Release", "--no-build");
        Assert.Contains("caught=BadMagic internals=6 app=4 rate=0.125", output);
    }

    /// <summary>A nuget.config that makes <paramref name="feed"/> the only package source below <paramref name="folder"/>.</summary>
    private static void WriteNuGetConfig(string folder, string feed) =>
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);

    private static string[] Analyzers(string json)
    {
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("Items").TryGetProperty("Analyzer", out JsonElement items)
            ? items.EnumerateArray().Select(item => Path.GetFullPath(item.GetProperty("FullPath").GetString()!)).ToArray()
            : [];
    }

    private static string Pack(string feed)
    {
        Run(RepositoryRoot, "pack", "src/WeightDecay.Edge", "--no-build", "-c", Configuration, "-o", feed, $"-p:Version={Version}");
        return Path.Combine(feed, $"WeightDecay.Edge.{Version}.nupkg");
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

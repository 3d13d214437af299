using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace WeightDecay.Edge.Generators.Cli.Tests;

/// <summary>
/// Path B end to end: the tool's files plus the user's sources compile against nanoFramework's
/// mscorlib (C# 7.3) with no generator in the compiler, for the device samples and for the sample
/// firmware's Program.cs; and the firmware, built that way for the device, trains when run on .NET.
/// </summary>
public sealed class DeviceCompileTests
{
    // The firmware is generated and compiled once for the tests that only read the result.
    private static readonly Lazy<CSharpCompilation> s_firmware = new(CompileFirmware);
    private static readonly Lazy<Assembly> s_firmwareOnDotnet = new(() => Assembly.Load(NanoCompilation.Emit(s_firmware.Value)));

    [Fact]
    public void Samples_and_generated_files_compile_against_nanoFramework_mscorlib_without_warnings()
    {
        string output = Generate(TestPaths.SampleLayouts);
        CSharpCompilation compilation = NanoCompilation.Create(
            "WeightDecay.Edge.Device.Samples", OutputKind.DynamicallyLinkedLibrary, GeneratedAnd(output, TestPaths.SampleLayouts));

        Assert.Empty(NanoCompilation.Problems(compilation));
        Assert.NotNull(compilation.GetTypeByMetadataName("WeightDecay.Edge.Device.Samples.KeywordHead+AdamWOptimizer"));
        NanoCompilation.Emit(compilation);
    }

    [Fact]
    public void Firmware_program_verifies_with_the_tool()
    {
        string output = TestPaths.NewTempDirectory();
        ProcessResult result = Tool.Run(
            "--reference", TestPaths.NanoFrameworkMscorlib, "--out", output, "--verify", "--warnaserror",
            TestPaths.FirmwareProgram, TestPaths.FirmwareAssemblyInfo);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("0 error(s), 0 warning(s)", result.StandardOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "WeightDecay.Edge.Device.Firmware.SensorHead.g.cs")));
    }

    [Fact]
    public void Firmware_compiles_as_a_nanoFramework_executable_and_uses_the_devices_square_root()
    {
        CSharpCompilation compilation = s_firmware.Value;

        Assert.Empty(NanoCompilation.Problems(compilation));
        Assert.NotNull(compilation.GetEntryPoint(CancellationToken.None));
        Assert.Equal(new[] { "mscorlib" }, compilation.ReferencedAssemblyNames.Select(name => name.Name).ToArray());
        // No System.Math in nanoFramework's mscorlib: the generated optimizer must use its own FloatMath.
        Assert.Contains("FloatMath.Sqrt", File.ReadAllText(Path.Combine(
            Generate(TestPaths.FirmwareProgram), "WeightDecay.Edge.Device.Firmware.SensorHead.g.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public void Firmware_IL_has_no_generics_or_multidimensional_arrays_and_references_only_mscorlib()
    {
        using var pe = new PEReader(new MemoryStream(NanoCompilation.Emit(s_firmware.Value)));
        MetadataReader reader = pe.GetMetadataReader();

        Assert.Equal(new[] { "mscorlib" }, reader.AssemblyReferences.Select(handle => reader.GetString(reader.GetAssemblyReference(handle).Name)).ToArray());
        Assert.Equal(0, reader.GetTableRowCount(TableIndex.GenericParam));
        Assert.Equal(0, reader.GetTableRowCount(TableIndex.MethodSpec));
        for (int row = 1; row <= reader.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            TypeSpecificationHandle handle = MetadataTokens.TypeSpecificationHandle(row);
            var kind = (SignatureTypeCode)reader.GetBlobReader(reader.GetTypeSpecification(handle).Signature).ReadByte();
            Assert.NotEqual(SignatureTypeCode.GenericTypeInstance, kind);
            Assert.NotEqual(SignatureTypeCode.Array, kind);
        }
    }

    [Fact]
    public void Firmware_built_for_the_device_trains_when_run_on_dotnet()
    {
        // The very IL built against nanoFramework's mscorlib, loaded on .NET (mscorlib resolves to .NET's).
        Assembly firmware = s_firmwareOnDotnet.Value;
        Type program = firmware.GetType("WeightDecay.Edge.Device.Firmware.Program", throwOnError: true)!;
        MethodInfo train = program.GetMethod("Train")!;

        float initial = (float)train.Invoke(null, new object[] { 1, 1000 })!;
        float trained = (float)train.Invoke(null, new object[] { 400, 1000 })!;

        Assert.True(initial > 0.1f, $"initial loss {initial}");
        Assert.True(trained < 1e-3f, $"loss after 400 steps {trained} (initial {initial})");
        Assert.True(trained < initial / 100f, $"loss after 400 steps {trained} (initial {initial})");
    }

    [Theory]
    [InlineData(0.0123456f)]
    [InlineData(0.000123f)]
    [InlineData(2.5f)]
    [InlineData(0f)]
    public void Firmware_prints_the_loss_with_six_decimals_and_its_bits(float loss)
    {
        Assembly firmware = s_firmwareOnDotnet.Value;
        MethodInfo format = firmware.GetType("WeightDecay.Edge.Device.Firmware.Program", throwOnError: true)!.GetMethod("FormatLoss")!;

        string expected = Math.Round((decimal)(double)loss, 6, MidpointRounding.AwayFromZero).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture)
            + " (0x" + BitConverter.SingleToUInt32Bits(loss).ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + ")";
        Assert.Equal(expected, format.Invoke(null, new object[] { loss }));
    }

    private static CSharpCompilation CompileFirmware()
    {
        string output = Generate(TestPaths.FirmwareProgram);
        return NanoCompilation.Create(
            "WeightDecay.Edge.Device.Firmware",
            OutputKind.ConsoleApplication,
            GeneratedAnd(output, TestPaths.FirmwareProgram, TestPaths.FirmwareAssemblyInfo));
    }

    private static string Generate(string source)
    {
        string output = TestPaths.NewTempDirectory();
        ProcessResult result = Tool.Run("-r", TestPaths.NanoFrameworkMscorlib, "-o", output, source);
        Assert.True(result.ExitCode == 0, result.ToString());
        return output;
    }

    private static IEnumerable<string> GeneratedAnd(string generatedDirectory, params string[] sources) =>
        sources.Concat(Directory.EnumerateFiles(generatedDirectory, "*.g.cs").OrderBy(path => path, StringComparer.Ordinal));
}

namespace WeightDecay.Edge.Generators.Cli.Tests;

/// <summary>Diagnostics, bad arguments and output handling of wde-generate.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public void Bad_declaration_reports_WDE_diagnostics_in_compiler_format_and_fails()
    {
        string work = TestPaths.NewTempDirectory();
        string source = Path.Combine(work, "Bad.cs");
        File.WriteAllText(source, "using WeightDecay.Edge;\n[ModelLayout]\n[Tensor(\"W\", 0)]\n[AdamW]\npublic class Bad { }\n");

        ProcessResult result = Tool.Run("--reference", TestPaths.NanoFrameworkMscorlib, "--out", Path.Combine(work, "out"), source);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{source}(3,2): error WDE007: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains($"{source}(5,14): error WDE001: ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_reports_compiler_errors_of_the_sources()
    {
        string work = TestPaths.NewTempDirectory();
        string source = Path.Combine(work, "Broken.cs");
        File.WriteAllText(source, "using WeightDecay.Edge;\n[ModelLayout]\n[Tensor(\"W\", 2)]\n[AdamW]\npublic partial class Ok { }\npublic class User { public void M() { System.Math.Sqrt(2.0); } }\n");
        string[] arguments = { "-r", TestPaths.NanoFrameworkMscorlib, "-o", Path.Combine(work, "out"), source };

        ProcessResult generateOnly = Tool.Run(arguments);
        ProcessResult verify = Tool.Run(arguments.Append("--verify").ToArray());

        Assert.True(generateOnly.ExitCode == 0, generateOnly.ToString());
        Assert.Equal(1, verify.ExitCode);
        // nanoFramework's mscorlib has no System.Math.
        Assert.Contains($"{source}(6,39): error CS0234: ", verify.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void Warnings_are_printed_and_fail_only_with_warnaserror()
    {
        string work = TestPaths.NewTempDirectory();
        string source = Path.Combine(work, "NoOptimizer.cs");
        File.WriteAllText(source, "using WeightDecay.Edge;\n[ModelLayout]\n[Tensor(\"W\", 2)]\npublic partial class NoOptimizer { }\n");
        string[] arguments = { "-r", TestPaths.NanoFrameworkMscorlib, "-o", Path.Combine(work, "out"), source };

        ProcessResult plain = Tool.Run(arguments);
        ProcessResult strict = Tool.Run(arguments.Append("--warnaserror").ToArray());

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Contains("warning WDE011: ", plain.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, strict.ExitCode);
        Assert.Contains("error WDE011: ", strict.StandardError, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> BadArguments => new()
    {
        { Array.Empty<string>(), "No --reference given" },
        { new[] { "--frobnicate" }, "Unknown option '--frobnicate'" },
        { new[] { "-r", "MSCORLIB", "x.cs" }, "No --out directory given" },
        { new[] { "-r", "MSCORLIB", "-o", "OUT" }, "No source files given" },
        { new[] { "-r", "MSCORLIB", "-o" }, "The option -o needs a value" },
        { new[] { "-r", "MSCORLIB", "-o", "OUT", "--langversion", "6.5", "SAMPLE" }, "'6.5' is not a C# language version" },
        { new[] { "-r", "MSCORLIB", "-o", "OUT", "--nullable", "enable", "SAMPLE" }, "--nullable needs --langversion 8" },
        { new[] { "-r", "MSCORLIB", "-o", "OUT", "missing.cs" }, "source file 'missing.cs' not found" },
        { new[] { "-r", "missing/mscorlib.dll", "-o", "OUT", "SAMPLE" }, "reference 'missing/mscorlib.dll' not found. For nanoFramework" },
        { new[] { "-r", "SAMPLE", "-o", "OUT", "SAMPLE" }, "is not a .NET assembly" },
        { new[] { "-r", "MSCORLIB", "-o", "OUT", "WORK" }, "is a directory" },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public void Bad_arguments_give_a_clear_message_and_exit_code_2(string[] arguments, string message)
    {
        string work = TestPaths.NewTempDirectory();
        string[] resolved = arguments.Select(argument => argument switch
        {
            "MSCORLIB" => TestPaths.NanoFrameworkMscorlib,
            "SAMPLE" => TestPaths.SampleLayouts,
            "OUT" => Path.Combine(work, "out"),
            "WORK" => work,
            _ => argument,
        }).ToArray();

        ProcessResult result = ProcessRunner.Dotnet(new[] { "exec", TestPaths.CliDll }.Concat(resolved).ToArray(), work);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("wde-generate: error: ", result.StandardError, StringComparison.Ordinal);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", result.StandardError, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(work, "out")), "Nothing may be written on bad arguments.");
    }

    [Fact]
    public void Help_prints_the_usage_and_succeeds()
    {
        ProcessResult result = ProcessRunner.Tool("--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: wde-generate --reference", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Unchanged_files_are_not_rewritten_and_clean_deletes_only_stale_generated_files()
    {
        string output = TestPaths.NewTempDirectory();
        string stale = Path.Combine(output, "Old.Layout.g.cs");
        string unrelated = Path.Combine(output, "notes.txt");
        File.WriteAllText(stale, "// stale");
        File.WriteAllText(unrelated, "keep");
        string[] arguments = { "-r", TestPaths.NanoFrameworkMscorlib, "-o", output, "--clean", TestPaths.SampleLayouts };

        ProcessResult first = Tool.Run(arguments);
        string attributes = Path.Combine(output, "WeightDecay.Edge.Shared.ModelLayoutAttribute.g.cs");
        DateTime written = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(attributes, written);
        ProcessResult second = Tool.Run(arguments);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(unrelated));
        Assert.Equal(written, File.GetLastWriteTimeUtc(attributes));
        int generated = Directory.GetFiles(output, "*.g.cs").Length;
        Assert.True(generated > 2, "the samples generate the helpers and two layouts at least");
        Assert.Contains($"{generated} files in", second.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"(0 written, {generated} unchanged, 0 stale deleted)", second.StandardOutput, StringComparison.Ordinal);
    }
}

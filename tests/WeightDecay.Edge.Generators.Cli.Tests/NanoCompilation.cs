using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace WeightDecay.Edge.Generators.Cli.Tests;

/// <summary>
/// Compiles files the way path B compiles the device project: C# 7.3, nanoFramework's mscorlib as
/// the only reference, no generator (its output is among the files), warnings reported.
/// </summary>
internal static class NanoCompilation
{
    public static CSharpCompilation Create(string assemblyName, OutputKind kind, IEnumerable<string> files)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.CSharp7_3, DocumentationMode.Diagnose);
        IEnumerable<SyntaxTree> trees = files.Select(path =>
            CSharpSyntaxTree.ParseText(File.ReadAllText(path), parseOptions, path));
        return CSharpCompilation.Create(
            assemblyName,
            trees,
            new[] { MetadataReference.CreateFromFile(TestPaths.NanoFrameworkMscorlib) },
            new CSharpCompilationOptions(kind, warningLevel: 4, deterministic: true));
    }

    /// <summary>Warnings and errors, except missing XML comments (CS1591: the firmware is an application).</summary>
    public static ImmutableArray<Diagnostic> Problems(Compilation compilation) =>
        compilation.GetDiagnostics()
            .Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning && diagnostic.Id != "CS1591")
            .ToImmutableArray();

    public static byte[] Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return stream.ToArray();
    }
}

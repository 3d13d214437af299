using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>What the harness relies on to compile each output once (see <see cref="GeneratorRun.Emitted"/>).</summary>
public class HarnessTests
{
    [Fact]
    public void Emit_reports_every_warning_and_error_that_GetDiagnostics_reports()
    {
        // One diagnostic from each stage: declarations, method bodies, nullable analysis, XML documentation.
        string source = """
            /// <summary>Documented.</summary>
            public class Documented { }

            public class Undocumented { }

            internal sealed class NotInitialised { internal string Name; }

            internal static class Bodies
            {
                internal static void Unused() { int unused; }
                internal static int Broken() => "text";
            }
            """;
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(GeneratorHarness.Named(new[] { source }));

        string[] fromGetDiagnostics = Describe(compilation.GetDiagnostics());
        string[] fromEmit = Describe(GeneratorRun.EmitToMemory(compilation).Diagnostics);

        Assert.Equal(
            new[] { "CS0029", "CS0168", "CS0649", "CS1591", "CS8618" },
            compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id).Distinct().Order(System.StringComparer.Ordinal));
        Assert.Equal(fromGetDiagnostics, fromEmit);
    }

    private static string[] Describe(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Select(d => d.ToString())
            .Order(System.StringComparer.Ordinal)
            .ToArray();
}

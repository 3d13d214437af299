using System.Linq;
using Microsoft.CodeAnalysis;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>Assertions shared by the diagnostic tests.</summary>
internal static class DiagnosticAssert
{
    /// <summary>A layout in namespace <c>Demo</c>: the attributes on their own lines, then the declaration.</summary>
    public static string Layout(string attributes, string declaration = "partial class Head { }") =>
        GeneratorHarness.Using + "namespace Demo;\n\n" + attributes + "\n" + declaration + "\n";

    /// <summary>The spec the parse step produced for the one layout of <paramref name="source"/> (the generator must not throw).</summary>
    public static WeightDecay.Edge.Generators.Model.LayoutSpec ParseSpec(string source)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        object? value = Assert.Single(Assert.Single(run.Single.TrackedSteps[TrackingNames.Parse]).Outputs).Value;
        return Assert.IsType<WeightDecay.Edge.Generators.Model.LayoutSpec>(Assert.IsType<WeightDecay.Edge.Generators.Model.LayoutParseResult>(value).Spec);
    }

    /// <summary>
    /// Runs the generator over <paramref name="source"/> and checks that it reported
    /// <paramref name="id"/> (and nothing else), with the given severity, at the first place where
    /// <paramref name="expectedText"/> follows <paramref name="textBefore"/>, with a message
    /// that contains <paramref name="fix"/>. The generator must not throw, and an error must stop
    /// emission of the layout's source.
    /// </summary>
    public static GeneratorRun Single(
        string source, string id, DiagnosticSeverity severity, string textBefore, string expectedText, string fix)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        run.AssertNoGeneratorCrash();
        Diagnostic diagnostic = Assert.Single(run.GeneratorDiagnostics);
        AssertDiagnostic(run, diagnostic, source, id, severity, textBefore, expectedText, fix);
        if (severity == DiagnosticSeverity.Error)
        {
            NoLayoutSource(run);
        }

        return run;
    }

    public static void AssertDiagnostic(
        GeneratorRun run,
        Diagnostic diagnostic,
        string source,
        string id,
        DiagnosticSeverity severity,
        string textBefore,
        string expectedText,
        string fix)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(severity, diagnostic.Severity);
        Assert.Equal(severity, diagnostic.DefaultSeverity);

        int anchor = source.IndexOf(textBefore + expectedText, System.StringComparison.Ordinal);
        Assert.True(anchor >= 0, $"Test bug: '{textBefore}{expectedText}' is not in the source.");
        Assert.Equal(expectedText, run.LocatedText(diagnostic));
        Assert.Equal(anchor + textBefore.Length, diagnostic.Location.SourceSpan.Start);

        // The line span must agree with the span, or IDEs and build logs point at the wrong place.
        SyntaxTree tree = run.Input.SyntaxTrees.Single(t => t.FilePath == diagnostic.Location.GetLineSpan().Path);
        Assert.Equal(tree.GetLineSpan(diagnostic.Location.SourceSpan).Span, diagnostic.Location.GetLineSpan().Span);

        string message = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(fix, message, System.StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(diagnostic.Descriptor.Title.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Fails if the generator emitted a source for a layout (the attributes and helpers always come).</summary>
    public static void NoLayoutSource(GeneratorRun run) =>
        Assert.True(run.LayoutSources.IsEmpty, "Emitted for a bad layout: " + string.Join(", ", run.LayoutSources.Select(s => s.HintName)));
}

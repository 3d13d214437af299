using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace WeightDecay.Edge.Generators.Shared;

/// <summary>
/// Suppresses CS0436 ("the type in source conflicts with the imported type") when the type in source
/// is one of the shared types or kernel classes this generator emitted. That happens where an assembly sees two copies:
/// its own and one imported from a project it has <c>InternalsVisibleTo</c> access to (both without
/// the runtime library), or the runtime library's public attributes when the build did not define
/// <c>WEIGHTDECAY_EDGE_RUNTIME</c>. The compiler then uses the copy in source, which is identical.
/// dotnet/runtime's Regex generator ships the same kind of suppressor for its emitted helpers.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedTypeConflictSuppressor : DiagnosticSuppressor
{
    private static readonly SuppressionDescriptor s_rule = new(
        id: "WDESPR0436",
        suppressedDiagnosticId: "CS0436",
        justification: "The type in source is a WeightDecay.Edge shared type emitted by the generator; the imported copy is the same type.");

    /// <inheritdoc/>
    public override ImmutableArray<SuppressionDescriptor> SupportedSuppressions => ImmutableArray.Create(s_rule);

    /// <inheritdoc/>
    public override void ReportSuppressions(SuppressionAnalysisContext context)
    {
        foreach (Diagnostic diagnostic in context.ReportedDiagnostics)
        {
            // The message names the file that declares the type in source; ours all carry the hint prefix.
            string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
            if (message.Contains(SharedSources.HintPrefix) || message.Contains(Emit.SharedKernel.HintPrefix))
            {
                context.ReportSuppression(Suppression.Create(s_rule, diagnostic));
            }
        }
    }
}

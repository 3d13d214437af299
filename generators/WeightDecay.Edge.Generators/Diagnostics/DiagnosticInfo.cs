using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Diagnostics;

/// <summary>
/// A diagnostic as a value: the descriptor, a location made of plain values and the message
/// arguments. Unlike <see cref="Diagnostic"/> and <see cref="Location"/>, it compares by content
/// and holds no syntax tree, so it can flow through the incremental pipeline.
/// </summary>
internal sealed record DiagnosticInfo(
    DiagnosticDescriptor Descriptor,
    string? FilePath,
    TextSpan Span,
    LinePositionSpan LineSpan,
    EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments)
    {
        if (location is null || !location.IsInSource)
        {
            return new(descriptor, null, default, default, arguments.ToEquatableArray());
        }

        FileLinePositionSpan lineSpan = location.GetLineSpan();
        return new(descriptor, lineSpan.Path, location.SourceSpan, lineSpan.Span, arguments.ToEquatableArray());
    }

    public Diagnostic ToDiagnostic()
    {
        Location location = FilePath is null ? Location.None : Location.Create(FilePath, Span, LineSpan);
        object[] arguments = new object[Arguments.Count];
        for (int i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(Descriptor, location, arguments);
    }
}

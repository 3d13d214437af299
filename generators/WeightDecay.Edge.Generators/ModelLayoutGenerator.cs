using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using WeightDecay.Edge.Generators.Diagnostics;
using WeightDecay.Edge.Generators.Emit;
using WeightDecay.Edge.Generators.Model;
using WeightDecay.Edge.Generators.Parse;
using WeightDecay.Edge.Generators.Shared;

namespace WeightDecay.Edge.Generators;

/// <summary>
/// Generates buffers, constants and specialised optimizers for every class marked
/// <c>[ModelLayout]</c>.
/// </summary>
/// <remarks>
/// Caching rules: the parse step turns each layout into a <see cref="LayoutParseResult"/> made only
/// of values (no symbols, syntax or locations that would root a compilation), and the target
/// profile is reduced to a small record. An edit that changes neither leaves every later step
/// Cached or Unchanged, so no source is re-emitted. Sources and diagnostics flow on separate
/// outputs, so a diagnostic's location moving does not force re-emission.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class ModelLayoutGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        context.RegisterPostInitializationOutput(static output =>
        {
            foreach (SharedSource source in SharedSources.Attributes)
            {
                output.AddSource(source.HintName, source.Text);
            }
        });

        IncrementalValuesProvider<LayoutParseResult> layouts = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeNames.ModelLayout,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                static (syntaxContext, cancellationToken) => LayoutParser.Parse(syntaxContext, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        IncrementalValueProvider<TargetProfile> profile = context.CompilationProvider
            .Select(static (compilation, _) => ReadProfile(compilation))
            .WithTrackingName(TrackingNames.Profile);

        // The shared types live in the runtime library when it is referenced; otherwise they are
        // emitted internal into this compilation (the device profile always takes this branch).
        context.RegisterSourceOutput(
            profile.Select(static (p, _) => p.HasRuntimeLibrary).WithTrackingName(TrackingNames.SharedTypes),
            static (output, hasRuntimeLibrary) =>
            {
                if (hasRuntimeLibrary)
                {
                    return;
                }

                foreach (SharedSource source in SharedSources.Types)
                {
                    output.AddSource(source.HintName, source.Text);
                }
            });

        context.RegisterSourceOutput(
            layouts.Select(static (result, _) => result.Diagnostics).WithTrackingName(TrackingNames.Diagnostics),
            static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

        // A device compilation (no Span: nanoFramework) whose generated code nears the 64 KiB bytecode cap
        // of one .pe gets a warning, before the metadata processor rejects the assembly outright.
        IncrementalValueProvider<((long Bytes, int Layouts) Total, bool IsDevice)> deviceCode = layouts
            .Select(static (result, _) => result.Spec is null ? 0L : new FlashEstimate(result.Spec).TotalBytes)
            .Collect()
            .Select(static (estimates, _) => (estimates.Sum(), estimates.Length))
            .Combine(profile.Select(static (p, _) => !p.HasSpan))
            .WithTrackingName(TrackingNames.DeviceFlash);
        context.RegisterSourceOutput(deviceCode, static (output, pair) =>
        {
            long total = pair.Total.Bytes + FlashEstimate.SharedBytes;
            if (pair.IsDevice && pair.Total.Layouts > 0 && total > FlashEstimate.WarningBytes)
            {
                System.Globalization.CultureInfo invariant = System.Globalization.CultureInfo.InvariantCulture;
                output.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.DeviceCodeNearFlashCap,
                    Location.None,
                    total.ToString("N0", invariant),
                    pair.Total.Layouts.ToString(invariant),
                    pair.Total.Bytes.ToString("N0", invariant),
                    FlashEstimate.SharedBytes.ToString("N0", invariant)));
            }
        });

        IncrementalValuesProvider<LayoutSpec> specs = layouts
            .Select(static (result, _) => result.Spec)
            .Where(static spec => spec is not null)
            .Select(static (spec, _) => spec!);

        // Every layout's CLR name, so each can pick a file name no other layout (ignoring case) has.
        IncrementalValueProvider<EquatableArray<string>> layoutNames = specs
            .Select(static (spec, _) => spec.MetadataName)
            .Collect()
            .Select(static (names, _) => names.ToEquatableArray())
            .WithTrackingName(TrackingNames.LayoutNames);

        IncrementalValuesProvider<(LayoutSpec Spec, TargetProfile Profile)> toEmit = specs
            .Combine(profile)
            .WithTrackingName(TrackingNames.Emit);

        IncrementalValuesProvider<(LayoutSpec Spec, TargetProfile Profile, string HintName)> named = toEmit
            .Combine(layoutNames)
            .Select(static (pair, _) => (pair.Left.Spec, pair.Left.Profile, LayoutEmitter.HintName(pair.Left.Spec, pair.Right)))
            .WithTrackingName(TrackingNames.HintName);

        IncrementalValuesProvider<(string HintName, EmittedLayout Emitted)> emitted = named
            .Select(static (layout, _) => (layout.HintName, LayoutEmitter.Emit(layout.Spec, layout.Profile)))
            .WithTrackingName(TrackingNames.LayoutSource);
        context.RegisterSourceOutput(emitted, static (output, layout) => output.AddSource(layout.HintName, layout.Emitted.Text));

        // The SIMD kernels every layout calls, each once per assembly, in a file per optimizer. An edit that changes no
        // layout's set of kernels leaves this output as it was.
        IncrementalValueProvider<(EquatableArray<SharedKernel> Kernels, TargetProfile Profile)> kernels = emitted
            .Select(static (layout, _) => layout.Emitted.Kernels)
            .Collect()
            .Select(static (all, _) => SharedKernel.Merge(all))
            .WithTrackingName(TrackingNames.Kernels)
            .Combine(profile);
        context.RegisterSourceOutput(kernels, static (output, pair) =>
        {
            foreach (IGrouping<string, SharedKernel> kernelClass in pair.Kernels.GroupBy(kernel => kernel.Class))
            {
                (string hintName, string text) = SharedKernel.WriteFile(kernelClass.Key, kernelClass, pair.Profile);
                output.AddSource(hintName, text);
            }
        });

        foreach ((string metadataName, string shortName) in OrphanAttributeParser.LayoutAttributes)
        {
            RegisterOrphanAttributeCheck(context, metadataName, shortName);
        }
    }

    /// <summary>WDE025 for one layout attribute used on a class without <c>[ModelLayout]</c>.</summary>
    private static void RegisterOrphanAttributeCheck(IncrementalGeneratorInitializationContext context, string metadataName, string shortName)
    {
        IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> orphans = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                metadataName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                (syntaxContext, cancellationToken) => OrphanAttributeParser.Parse(syntaxContext, shortName, cancellationToken))
            .WithTrackingName(TrackingNames.OrphanAttributes);

        context.RegisterSourceOutput(orphans, static (output, diagnostics) =>
        {
            foreach (DiagnosticInfo diagnostic in diagnostics)
            {
                output.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }

    private static TargetProfile ReadProfile(Compilation compilation)
    {
        bool hasFma = HasMember(compilation, "System.MathF", "FusedMultiplyAdd");
        bool supportsNullable = compilation is CSharpCompilation csharp && csharp.LanguageVersion >= LanguageVersion.CSharp8;

        // SIMD paths need loads and stores without bounds checks (MemoryMarshal.GetArrayDataReference).
        // The loops index with nuint, which needs C# 9; older language versions get the scalar loops.
        bool canVectorize = hasFma
            && compilation is CSharpCompilation { LanguageVersion: >= LanguageVersion.CSharp9 }
            && HasMember(compilation, "System.Runtime.InteropServices.MemoryMarshal", "GetArrayDataReference");
        return new TargetProfile(
            HasSpan: compilation.GetTypeByMetadataName("System.Span`1") is not null,
            HasMathF: hasFma,
            HasSystemMath: compilation.GetTypeByMetadataName("System.Math") is not null,
            HasRuntimeLibrary: compilation.GetTypeByMetadataName("WeightDecay.Edge.IOptimizer") is { DeclaringSyntaxReferences.IsEmpty: true },
            SupportsNullable: supportsNullable,
            HasVector512Fma: canVectorize && HasMember(compilation, "System.Runtime.Intrinsics.X86.Avx512F", "FusedMultiplyAdd"),
            HasVector256Fma: canVectorize && HasMember(compilation, "System.Runtime.Intrinsics.X86.Fma", "MultiplyAdd"),
            HasVector128Fma: canVectorize && HasMember(compilation, "System.Runtime.Intrinsics.Vector128", "FusedMultiplyAdd"),
            HasStream: compilation.GetTypeByMetadataName("System.IO.Stream") is not null,
            HasGeneratedCodeAttribute: compilation.GetTypeByMetadataName("System.CodeDom.Compiler.GeneratedCodeAttribute") is not null);
    }

    private static bool HasMember(Compilation compilation, string typeName, string memberName) =>
        compilation.GetTypeByMetadataName(typeName) is { } type && !type.GetMembers(memberName).IsEmpty;
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using WeightDecay.Edge.Generators.Shared;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// Where the shared types (attributes, exceptions, schedules, checkpoint framing, helpers) come from:
/// the runtime library when it is referenced, otherwise internal copies the generator emits; and that
/// a solution of several projects that all use the generator builds with warnings as errors.
/// </summary>
public class SharedSourceTests
{
    private const string LibSource = GeneratorHarness.Using + """
        [assembly: System.Runtime.CompilerServices.InternalsVisibleTo("App")]

        namespace Lib
        {
            [ModelLayout]
            [Tensor("W", 3, 2)]
            [Sgd, AdamW]
            public partial class LibHead { }
        }
        """;

    private const string AppSource = GeneratorHarness.Using + """
        namespace App
        {
            [ModelLayout]
            [Tensor("V", 4)]
            [Adam]
            public partial class AppHead { }

            public sealed class HalfRate : LearningRateSchedule
            {
                public override double Multiplier(long step) => 0.5;
            }

            public static class Uses
            {
                public static string CatchFromLibrary()
                {
                    var model = new Lib.LibHead();
                    var optimizer = new Lib.LibHead.AdamWOptimizer(model);
                    optimizer.Schedule = new HalfRate();
                    optimizer.DecayMode = DecoupledDecay.ScheduleCoupled;
                    try
                    {
                        optimizer.LoadCheckpoint(new byte[64], 0, 64);
                        return "not thrown";
                    }
                    catch (CheckpointException exception)
                    {
                        return exception.Error.ToString();
                    }
                }

                public static int Both() => new Lib.LibHead().Parameters.Length + new AppHead().Parameters.Length;
            }
        }
        """;

    // Without the runtime library each assembly has its own internal copy of the shared types, so the
    // app may use Lib's layout but cannot hand Lib a schedule or catch Lib's exceptions by type.
    private const string AppWithoutRuntimeSource = GeneratorHarness.Using + """
        namespace App
        {
            [ModelLayout]
            [Tensor("V", 4)]
            [Adam]
            internal partial class AppHead { }

            public static class Uses
            {
                public static int Both() => new Lib.LibHead().Parameters.Length + new AppHead().Parameters.Length;
            }
        }
        """;

    private static readonly HashSet<string> s_desktopOnlyTypes = new(StringComparer.Ordinal)
    {
        "WeightDecay.Edge.IModelLayout", "WeightDecay.Edge.IOptimizer", "WeightDecay.Edge.TensorInfo",
    };

    [Fact]
    public void With_the_runtime_library_no_shared_type_is_emitted()
    {
        GeneratorRun run = GeneratorHarness.RunWithRuntimeLibrary(LibSource);
        run.AssertNoGeneratorCrash();

        Assert.DoesNotContain(run.Single.GeneratedSources, source =>
            source.HintName.StartsWith(SharedSources.HintPrefix, StringComparison.Ordinal)
            && !source.SourceText.ToString().Contains("#if !" + SharedSources.RuntimeSymbol, StringComparison.Ordinal));
        run.AssertOutputCompilesCleanly();
        INamedTypeSymbol attribute = run.Output.GetTypeByMetadataName("WeightDecay.Edge.ModelLayoutAttribute")!;
        Assert.Empty(attribute.DeclaringSyntaxReferences); // the library's type, not a copy in source
    }

    [Fact]
    public void With_the_runtime_library_members_taking_shared_types_are_public()
    {
        GeneratorRun run = GeneratorHarness.RunWithRuntimeLibrary(LibSource);
        INamedTypeSymbol optimizer = run.Output.GetTypeByMetadataName("Lib.LibHead+AdamWOptimizer")!;
        INamedTypeSymbol common = run.Output.GetTypeByMetadataName("Lib.LibHead+Optimizer")!;
        Assert.Equal(common, optimizer.BaseType);

        Assert.Equal(Accessibility.Public, common.GetMembers("Schedule").Single().DeclaredAccessibility);
        Assert.Equal(Accessibility.Public, optimizer.GetMembers("DecayMode").Single().DeclaredAccessibility);
        Assert.All(
            common.GetMembers("SaveCheckpoint").OfType<IMethodSymbol>().Where(method => method.DeclaredAccessibility != Accessibility.Private),
            method => Assert.Equal(Accessibility.Public, method.DeclaredAccessibility));
    }

    [Fact]
    public void Without_the_runtime_library_every_shared_type_is_emitted_internal()
    {
        GeneratorRun run = GeneratorHarness.Run(LibSource);
        run.AssertNoGeneratorCrash();
        run.AssertOutputCompilesCleanly();

        var emitted = new HashSet<string>(StringComparer.Ordinal);
        foreach (SyntaxTree tree in run.Output.SyntaxTrees.Where(t => Path.GetFileName(t.FilePath).StartsWith(SharedSources.HintPrefix, StringComparison.Ordinal)))
        {
            SemanticModel model = run.Output.GetSemanticModel(tree);
            foreach (MemberDeclarationSyntax declaration in tree.GetRoot().DescendantNodes().OfType<MemberDeclarationSyntax>()
                .Where(d => d is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax && d.Parent is BaseNamespaceDeclarationSyntax))
            {
                ISymbol symbol = model.GetDeclaredSymbol(declaration)!;
                Assert.True(symbol.DeclaredAccessibility == Accessibility.Internal, symbol + " is emitted " + symbol.DeclaredAccessibility);
                emitted.Add(symbol.ToDisplayString());
            }
        }

        // Exactly the runtime library's public types, less the three that exist only on desktop.
        IEnumerable<string> library = typeof(global::WeightDecay.Edge.IOptimizer).Assembly.GetExportedTypes()
            .Where(type => !type.IsNested && !s_desktopOnlyTypes.Contains(type.FullName!))
            .Select(type => type.FullName!);
        Assert.Equal(library.OrderBy(n => n, StringComparer.Ordinal), emitted.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Runtime_library_without_its_symbol_the_attribute_conflicts_are_suppressed()
    {
        // A project that references the library directly rather than through the package has no
        // WEIGHTDECAY_EDGE_RUNTIME: the generator's attribute copies then shadow the library's.
        CSharpParseOptions options = GeneratorHarness.ParseOptions();
        CSharpCompilation input = CSharpCompilation.Create(
            "LayoutUnderTest",
            new[] { CSharpSyntaxTree.ParseText(LibSource.Replace("\"App\"", "\"Other\"", StringComparison.Ordinal), options, "/src/File0.cs") },
            GeneratorHarness.FrameworkReferences.Add(GeneratorHarness.RuntimeLibrary),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(options), input);
        run.AssertNoGeneratorCrash();

        ImmutableArray<Diagnostic> diagnostics = await WithSuppressor(run.Output);

        Assert.Contains(diagnostics, d => d.Id == "CS0436");
        Assert.All(diagnostics.Where(d => d.Id == "CS0436"), d => Assert.True(d.IsSuppressed, d.ToString()));
        Assert.Empty(Unsuppressed(diagnostics));
    }

    [Fact]
    public async Task A_library_and_its_InternalsVisibleTo_project_without_the_runtime_library_build_with_warnings_as_errors()
    {
        (Compilation lib, _) = Build("Lib", LibSource, withRuntimeLibrary: false);
        (Compilation app, ImmutableArray<Diagnostic> appDiagnostics) = Build("App", AppWithoutRuntimeSource, withRuntimeLibrary: false, lib);

        // Without the suppressor the app sees two of every shared type (its own and Lib's internal one).
        Assert.Contains(app.GetDiagnostics(), d => d.Id == "CS0436");
        Assert.Empty(Unsuppressed(appDiagnostics));
        Assert.Empty(Unsuppressed(await WithSuppressor(lib)));

        // It runs: each assembly uses its own internal copies (emitted with warnings left as warnings,
        // since only the compiler applies suppressors before promoting warnings).
        var context = new AssemblyLoadContext("SharedSourceTests.WithoutRuntime", isCollectible: true);
        try
        {
            context.LoadFromStream(EmitToStream(WarningsAsWarnings(lib)));
            Assembly appAssembly = context.LoadFromStream(EmitToStream(WarningsAsWarnings(app)));
            Type uses = appAssembly.GetType("App.Uses", throwOnError: true)!;
            Assert.Equal(10, uses.GetMethod("Both")!.Invoke(null, null));
        }
        finally
        {
            context.Unload();
        }
    }

    private static Compilation WarningsAsWarnings(Compilation compilation) =>
        compilation.WithOptions(compilation.Options.WithGeneralDiagnosticOption(ReportDiagnostic.Default));

    [Fact]
    public void A_library_and_its_InternalsVisibleTo_project_with_the_runtime_library_share_one_set_of_types()
    {
        (Compilation lib, ImmutableArray<Diagnostic> libDiagnostics) = Build("Lib", LibSource, withRuntimeLibrary: true);
        (Compilation app, ImmutableArray<Diagnostic> appDiagnostics) = Build("App", AppSource, withRuntimeLibrary: true, lib);
        Assert.Empty(Unsuppressed(libDiagnostics));
        Assert.Empty(Unsuppressed(appDiagnostics));
        Assert.DoesNotContain(appDiagnostics, d => d.Id == "CS0436"); // not even a suppressed one

        var context = new AssemblyLoadContext("SharedSourceTests", isCollectible: true);
        try
        {
            context.LoadFromStream(EmitToStream(lib));
            Assembly appAssembly = context.LoadFromStream(EmitToStream(app));
            Type uses = appAssembly.GetType("App.Uses", throwOnError: true)!;

            // Lib's layout throws the library's CheckpointException; the app's catch clause matches it.
            Assert.Equal("BadMagic", uses.GetMethod("CatchFromLibrary")!.Invoke(null, null));
            Assert.Equal(10, uses.GetMethod("Both")!.Invoke(null, null));
        }
        finally
        {
            context.Unload();
        }
    }

    private static (Compilation Output, ImmutableArray<Diagnostic> Diagnostics) Build(
        string name, string source, bool withRuntimeLibrary, Compilation? reference = null)
    {
        CSharpParseOptions options = GeneratorHarness.ParseOptions(withRuntimeLibrary: withRuntimeLibrary);
        ImmutableArray<MetadataReference> references = GeneratorHarness.FrameworkReferences;
        if (withRuntimeLibrary)
        {
            references = references.Add(GeneratorHarness.RuntimeLibrary);
        }

        if (reference is not null)
        {
            references = references.Add(reference.ToMetadataReference());
        }

        CSharpCompilation input = CSharpCompilation.Create(
            name,
            new[] { CSharpSyntaxTree.ParseText(source, options, $"/src/{name}.cs") },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, generalDiagnosticOption: ReportDiagnostic.Error)
                .WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress })); // the test's own undocumented types
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(options), input);
        run.AssertNoGeneratorCrash();
        Assert.Empty(run.GeneratorDiagnostics);
        return (run.Output, WithSuppressor(run.Output).GetAwaiter().GetResult());
    }

    private static Task<ImmutableArray<Diagnostic>> WithSuppressor(Compilation compilation) =>
        compilation
            .WithAnalyzers(
                ImmutableArray.Create<DiagnosticAnalyzer>(new SharedTypeConflictSuppressor()),
                new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true))
            .GetAllDiagnosticsAsync();

    private static IEnumerable<Diagnostic> Unsuppressed(ImmutableArray<Diagnostic> diagnostics) =>
        diagnostics.Where(d => !d.IsSuppressed && d.Severity >= DiagnosticSeverity.Warning && d.Id != "CS1591");

    private static MemoryStream EmitToStream(Compilation compilation)
    {
        var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        stream.Position = 0;
        return stream;
    }
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// Runs <see cref="ModelLayoutGenerator"/> the way the compiler does, without the Roslyn testing
/// packages (not served here): sources become a <see cref="CSharpCompilation"/> over the running
/// runtime's assemblies, a <see cref="CSharpGeneratorDriver"/> with step tracking runs the
/// generator, and the result keeps everything a test asserts on.
/// </summary>
internal static class GeneratorHarness
{

    /// <summary>The usual first line of a layout file.</summary>
    public const string Using = "using WeightDecay.Edge;\n";
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_frameworkReferences = new(LoadFrameworkReferences);
    private static readonly Lazy<MetadataReference> s_runtimeLibrary = new(
        () => MetadataReference.CreateFromFile(typeof(global::WeightDecay.Edge.IModelLayout).Assembly.Location));
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_net8References = new(
        () => Directory.GetFiles(BuildPath("Net8ReferenceDirectory"), "*.dll")
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray());
    private static readonly Lazy<MetadataReference> s_net8RuntimeLibrary = new(
        () => MetadataReference.CreateFromFile(BuildPath("Net8RuntimeLibrary")));

    /// <summary>Parse options for the inputs and (through the driver) for the generated trees.</summary>
    /// <remarks>
    /// The symbols the .NET SDK defines for the framework are set, as in any desktop project: the shared
    /// sources keep desktop-only members under <c>#if NETCOREAPP</c>, and the generated code uses them.
    /// With the runtime library, the symbol the package's build targets define is set too, as in a
    /// package consumer: the generator's attribute sources then switch themselves off.
    /// </remarks>
    public static CSharpParseOptions ParseOptions(
        LanguageVersion version = LanguageVersion.Latest,
        bool withRuntimeLibrary = false,
        ReferenceFramework framework = ReferenceFramework.Net10) =>
        new(version, DocumentationMode.Diagnose, preprocessorSymbols: FrameworkSymbols(framework).Concat(withRuntimeLibrary ? new[] { RuntimeSymbol } : Array.Empty<string>()));

    /// <summary>What the SDK defines for a netN.0 project: NETCOREAPP, NET, NETN_0 and NETM_0_OR_GREATER for 5 ≤ M ≤ N.</summary>
    private static IEnumerable<string> FrameworkSymbols(ReferenceFramework framework)
    {
        int major = framework == ReferenceFramework.Net8 ? 8 : 10;
        return new[] { "NETCOREAPP", "NET", $"NET{major}_0" }
            .Concat(Enumerable.Range(5, major - 4).Select(m => $"NET{m}_0_OR_GREATER"));
    }

    /// <summary>The symbol the package defines where the runtime library comes with the generator.</summary>
    public const string RuntimeSymbol = "WEIGHTDECAY_EDGE_RUNTIME";

    /// <summary>The framework assemblies of the running runtime (net8.0 or net10.0), never the runtime library.</summary>
    public static ImmutableArray<MetadataReference> FrameworkReferences => s_frameworkReferences.Value;

    /// <summary>The WeightDecay.Edge runtime library (IModelLayout, IOptimizer, TensorInfo).</summary>
    public static MetadataReference RuntimeLibrary => s_runtimeLibrary.Value;

    /// <summary>The framework's references, and the runtime library built for it.</summary>
    public static (ImmutableArray<MetadataReference> Framework, MetadataReference RuntimeLibrary) References(ReferenceFramework framework) =>
        framework == ReferenceFramework.Net8
            ? (s_net8References.Value, s_net8RuntimeLibrary.Value)
            : (FrameworkReferences, RuntimeLibrary);

    public static CSharpCompilation CreateCompilation(
        IEnumerable<(string Path, string Text)> sources,
        bool withRuntimeLibrary = false,
        LanguageVersion version = LanguageVersion.Latest,
        ReferenceFramework framework = ReferenceFramework.Net10)
    {
        CSharpParseOptions parseOptions = ParseOptions(version, withRuntimeLibrary, framework);
        IEnumerable<SyntaxTree> trees = sources.Select(source => CSharpSyntaxTree.ParseText(source.Text, parseOptions, source.Path));
        (ImmutableArray<MetadataReference> frameworkReferences, MetadataReference runtimeLibrary) = References(framework);
        IEnumerable<MetadataReference> references = withRuntimeLibrary
            ? frameworkReferences.Add(runtimeLibrary)
            : frameworkReferences;
        return CSharpCompilation.Create(
            "LayoutUnderTest",
            trees,
            references,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: version.MapSpecifiedToEffectiveVersion() >= LanguageVersion.CSharp8
                    ? NullableContextOptions.Enable
                    : NullableContextOptions.Disable,
                warningLevel: 9999));
    }

    /// <summary>A driver for the generator with step tracking, producing trees with the given options.</summary>
    public static GeneratorDriver CreateDriver(CSharpParseOptions? parseOptions = null) =>
        CSharpGeneratorDriver.Create(
            new[] { new ModelLayoutGenerator().AsSourceGenerator() },
            parseOptions: parseOptions ?? ParseOptions(),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once over sources named <c>/src/File0.cs</c>, <c>/src/File1.cs</c>, ...</summary>
    public static GeneratorRun Run(params string[] sources) => Run(Named(sources));

    /// <summary>Runs the generator once, with the runtime library referenced.</summary>
    public static GeneratorRun RunWithRuntimeLibrary(params string[] sources) => Run(Named(sources), withRuntimeLibrary: true);

    public static GeneratorRun Run(
        IEnumerable<(string Path, string Text)> sources,
        bool withRuntimeLibrary = false,
        LanguageVersion version = LanguageVersion.Latest,
        ReferenceFramework framework = ReferenceFramework.Net10)
    {
        CSharpCompilation input = CreateCompilation(sources, withRuntimeLibrary, version, framework);
        return Run(CreateDriver(ParseOptions(version, withRuntimeLibrary, framework)), input);
    }

    /// <summary>Runs an existing driver (keeping its cache) over a compilation.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, CSharpCompilation input)
    {
        GeneratorDriver updated = driver.RunGeneratorsAndUpdateCompilation(
            input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return new GeneratorRun(input, output, updated, updated.GetRunResult(), generatorDiagnostics);
    }

    public static IEnumerable<(string Path, string Text)> Named(IEnumerable<string> sources) =>
        sources.Select((text, i) => ($"/src/File{i}.cs", text));

    /// <summary>A path the build recorded in the test assembly's metadata (see the project file).</summary>
    private static string BuildPath(string key) =>
        typeof(GeneratorHarness).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>()
            .SingleOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"The test assembly records no '{key}'.");

    /// <summary>
    /// Framework assemblies only: the trusted platform assemblies also list the test's own
    /// dependencies (Roslyn, xunit, and the runtime library, which must stay out of "absent" runs).
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadFrameworkReferences()
    {
        string paths = AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string
            ?? throw new InvalidOperationException("The runtime lists no trusted platform assemblies.");
        return paths.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => IsFrameworkAssembly(Path.GetFileNameWithoutExtension(path)))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToImmutableArray();
    }

    private static bool IsFrameworkAssembly(string name) =>
        name is "mscorlib" or "netstandard" or "Microsoft.CSharp" or "Microsoft.VisualBasic" or "Microsoft.VisualBasic.Core"
        || name.StartsWith("Microsoft.Win32.", StringComparison.Ordinal)
        || (name.StartsWith("System", StringComparison.Ordinal) && !name.StartsWith("System.CodeDom", StringComparison.Ordinal));
}

/// <summary>The outcome of one generator run: the compilations before and after, and what the generator said.</summary>
internal sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriver Driver,
    GeneratorDriverRunResult Result,
    ImmutableArray<Diagnostic> GeneratorDiagnostics)
{
    // The output is compiled at most once per run: binding a large layout's output is most of what
    // the generator tests cost, and Emit reports everything GetDiagnostics does (HarnessTests).
    private readonly Lazy<EmitResult> _emitted = new(() => EmitToMemory(Output));

    public GeneratorRunResult Single => Assert.Single(Result.Results);

    /// <summary>The output compilation emitted to memory (once): its diagnostics, errors and warnings included.</summary>
    public EmitResult Emitted => _emitted.Value;

    /// <summary>The sources generated for layouts (everything but the attributes, the helpers and the shared kernels).</summary>
    public ImmutableArray<GeneratedSourceResult> LayoutSources =>
        Single.GeneratedSources
            .Where(source => !source.HintName.StartsWith(global::WeightDecay.Edge.Generators.Shared.SharedSources.HintPrefix, StringComparison.Ordinal)
                && !source.HintName.StartsWith(global::WeightDecay.Edge.Generators.Emit.SharedKernel.HintPrefix, StringComparison.Ordinal))
            .ToImmutableArray();

    /// <summary>The files of SIMD kernels the layouts share, one per optimizer (<c>WeightDecay.Edge.Kernels.AdamW.g.cs</c>).</summary>
    public ImmutableArray<GeneratedSourceResult> KernelSources =>
        Single.GeneratedSources
            .Where(source => source.HintName.StartsWith(global::WeightDecay.Edge.Generators.Emit.SharedKernel.HintPrefix, StringComparison.Ordinal))
            .ToImmutableArray();

    /// <summary>Diagnostics of the compilation with the generated sources added, warnings and errors only.</summary>
    public ImmutableArray<Diagnostic> OutputDiagnostics =>
        Emitted.Diagnostics.Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    public static EmitResult EmitToMemory(Compilation compilation)
    {
        using var stream = new MemoryStream();
        return compilation.Emit(stream);
    }

    public string Source(string hintName) =>
        Single.GeneratedSources.Single(source => source.HintName == hintName).SourceText.ToString();

    /// <summary>
    /// Fails unless the generator ran to completion: no exception, no CS8785 or AD0001. Both come from
    /// the driver, never from compiling the output, so this check does not compile it.
    /// </summary>
    public void AssertNoGeneratorCrash()
    {
        foreach (GeneratorRunResult result in Result.Results)
        {
            Assert.True(result.Exception is null, "The generator threw: " + result.Exception);
        }

        string[] crashIds = { "CS8785", "AD0001" };
        Diagnostic[] crashes = GeneratorDiagnostics.Concat(Result.Diagnostics)
            .Where(diagnostic => crashIds.Contains(diagnostic.Id))
            .ToArray();
        Assert.True(crashes.Length == 0, "The generator crashed: " + Describe(crashes));
    }

    /// <summary>
    /// Fails unless the output compilation has no warnings or errors, except missing-documentation
    /// warnings on the test's own public types (generated code is held to its XML docs too).
    /// </summary>
    public void AssertOutputCompilesCleanly()
    {
        Diagnostic[] diagnostics = OutputDiagnostics
            .Where(d => !(d.Id == "CS1591" && d.Location.SourceTree is { } tree && Input.SyntaxTrees.Contains(tree)))
            .ToArray();
        Assert.True(diagnostics.Length == 0, "The output compilation reported:\n" + Describe(diagnostics) + "\n\n" + DumpLayoutSources());
    }

    public string DumpLayoutSources() =>
        string.Join("\n", LayoutSources.Select(source => "// ---- " + source.HintName + "\n" + source.SourceText));

    /// <summary>The text a diagnostic's location covers in the input (generator locations are file locations).</summary>
    public string LocatedText(Diagnostic diagnostic)
    {
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        SyntaxTree tree = Input.SyntaxTrees.Single(candidate => candidate.FilePath == span.Path);
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }

    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Select(diagnostic => diagnostic.ToString()));
}

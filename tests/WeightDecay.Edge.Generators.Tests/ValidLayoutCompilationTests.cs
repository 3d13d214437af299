using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Generators.Tests;

/// <summary>
/// Valid layouts, in every place a user may declare one, give output that compiles with no error
/// and no warning (XML documentation checked too), with the runtime library absent and present.
/// Each case also uses what was generated, so a missing or misnamed member fails here.
/// </summary>
/// <remarks>
/// One class per reference framework: xunit runs classes in parallel and the tests of one class
/// one after another, and these are the most compilations of any test, so split they keep both
/// cores busy.
/// </remarks>
public abstract class ValidLayoutCompilationTests
{
    private readonly ReferenceFramework _framework;

    protected ValidLayoutCompilationTests(ReferenceFramework framework) => _framework = framework;

    public static IEnumerable<object[]> Cases() =>
        from name in ValidLayouts.Names
        from runtime in new[] { false, true }
        select new object[] { name, runtime };

    [Theory]
    [MemberData(nameof(Cases), MemberType = typeof(ValidLayoutCompilationTests))]
    public void Valid_layout_compiles_without_errors_or_warnings(string name, bool withRuntimeLibrary)
    {
        ValidLayouts.Case layout = ValidLayouts.Get(name);
        GeneratorRun run = GeneratorHarness.Run(
            GeneratorHarness.Named(layout.Sources.Append(layout.Usage(withRuntimeLibrary))), withRuntimeLibrary, framework: _framework);

        CompilationTests.AssertCompilesCleanly(run, expectedLayoutSources: layout.LayoutCount);
    }
}

/// <summary>The valid layouts against the .NET 8 reference pack.</summary>
public sealed class Net8ValidLayoutCompilationTests : ValidLayoutCompilationTests
{
    public Net8ValidLayoutCompilationTests()
        : base(ReferenceFramework.Net8)
    {
    }
}

/// <summary>The valid layouts against the running .NET 10's assemblies.</summary>
public sealed class Net10ValidLayoutCompilationTests : ValidLayoutCompilationTests
{
    public Net10ValidLayoutCompilationTests()
        : base(ReferenceFramework.Net10)
    {
    }
}

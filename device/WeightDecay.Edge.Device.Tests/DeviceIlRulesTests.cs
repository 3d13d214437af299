using Xunit.Abstractions;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// Two rules the device IL follows because nanoCLR differs from .NET on the same IL (device/README.md,
/// "Rules the device IL follows, and why"): interface implementations are found by name, and NaN
/// comparisons use only the opcodes the interpreter evaluates as .NET does.
/// </summary>
public sealed class DeviceIlRulesTests(ITestOutputHelper output)
{
    public static TheoryData<string> Assemblies() => new(DeviceAssembly.Paths.Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Every_interface_implementation_is_found_by_name(string assembly)
    {
        using DeviceImage image = Open(assembly);
        Report(InterfaceNameRule.Violations(image), "interface implementations nanoCLR cannot find by name");
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void No_float_comparison_uses_an_opcode_nanoCLR_gets_wrong_with_NaN(string assembly)
    {
        using DeviceImage image = Open(assembly);
        Report(NanCompareRule.Violations(image), "float comparisons nanoCLR evaluates wrongly with NaN");
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void The_NaN_rule_sees_float_comparisons(string assembly)
    {
        // Not vacuous: the rule reaches the float comparisons the code does make (hyperparameter
        // checks, the square root, the non-finite guard), with float operands tracked.
        using DeviceImage image = Open(assembly);
        Assert.True(NanCompareRule.FloatComparisons(image).Count > 20);
    }

    private static DeviceImage Open(string name) => new(DeviceAssembly.Paths.Single(path => Path.GetFileName(path) == name));

    private void Report(List<string> violations, string what)
    {
        foreach (string violation in violations)
        {
            output.WriteLine(violation);
        }

        Assert.True(violations.Count == 0, $"{violations.Count} {what}:\n" + string.Join("\n", violations.Take(40)));
    }
}

using Xunit.Abstractions;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// Flash is a budget like RAM: an NFMRK1 .pe holds at most 64 KiB of nanoFramework bytecode (about
/// 0.84 x the IL bytes), shared by the generated code and the user's own. Every device assembly the
/// repository builds stays 20% under that cap, and the output breaks the IL down by part.
/// </summary>
public sealed class IlSizeTests(ITestOutputHelper output)
{
    /// <summary>52 KiB of method-body IL: about 43.7 KiB of bytecode, 20% under the 64 KiB cap (with the 0.84 ratio).</summary>
    private const int AssemblyLimit = 53_248;

    /// <summary>Methods at least this large are listed by name under their part.</summary>
    private const int LargeMethod = 100;

    public static TheoryData<string> Assemblies() => new(DeviceAssembly.Paths.Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Device_assembly_stays_within_52_KiB_of_IL(string assembly)
    {
        using var image = new DeviceImage(DeviceAssembly.Paths.Single(path => Path.GetFileName(path) == assembly));
        List<IlSize.Entry> entries = IlSize.Measure(image);
        int total = entries.Sum(entry => entry.Bytes);
        output.WriteLine($"{assembly}: {total:N0} bytes of method-body IL (limit {AssemblyLimit:N0})");
        foreach (IGrouping<string, IlSize.Entry> owner in entries.GroupBy(entry => entry.Owner).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {owner.Key}: {owner.Sum(entry => entry.Bytes):N0}");
            foreach (IGrouping<(IlSize.Part Part, string? Class), IlSize.Entry> part in owner
                .GroupBy(entry => (entry.Part, entry.Class))
                .OrderBy(group => group.Key.Part)
                .ThenBy(group => group.Key.Class, StringComparer.Ordinal))
            {
                string label = part.Key.Class is null ? part.Key.Part.ToString() : $"{part.Key.Part} {part.Key.Class}";
                output.WriteLine($"    {label}: {part.Sum(entry => entry.Bytes):N0}");
                foreach (IlSize.Entry large in part.Where(entry => entry.Bytes >= LargeMethod).OrderByDescending(entry => entry.Bytes))
                {
                    output.WriteLine($"      {large.Method}: {large.Bytes:N0}");
                }
            }
        }

        Assert.InRange(total, 1, AssemblyLimit);
    }

    /// <summary>The generated <c>DeviceIlBytes</c> estimate (what FlashBudgetBytes is checked against) stays within 15% of the measured IL.</summary>
    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Flash_estimate_is_within_15_percent_of_the_measured_IL(string assembly)
    {
        using var image = new DeviceImage(DeviceAssembly.Paths.Single(path => Path.GetFileName(path) == assembly));
        var layouts = IlSize.Measure(image)
            .Where(entry => entry.Part is not IlSize.Part.Shared and not IlSize.Part.User)
            .GroupBy(entry => entry.Owner)
            .ToList();
        Assert.NotEmpty(layouts);
        foreach (IGrouping<string, IlSize.Entry> layout in layouts)
        {
            int measured = layout.Sum(entry => entry.Bytes);
            int estimate = (int)DeviceAssembly.GetType(layout.Key).GetField("DeviceIlBytes")!.GetRawConstantValue()!;
            double error = (estimate - measured) / (double)measured;
            output.WriteLine($"{layout.Key}: measured {measured:N0}, estimated {estimate:N0} ({error:P1})");
            Assert.InRange(error, -0.15, 0.15);
        }
    }
}

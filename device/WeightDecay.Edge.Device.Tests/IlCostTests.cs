using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit.Abstractions;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// nanoFramework interprets IL, so a step's cost follows the number of IL instructions it executes.
/// For <c>CostProbe</c> (one decayed 64x16 tensor) the update is one call of the decayed device loop
/// (<c>UpdateDecayed</c> and so on), whose body updates one element per iteration, so the loop's
/// instruction count is the cost per parameter. Measured on the device build itself.
/// </summary>
public class IlCostTests(ITestOutputHelper output)
{
    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>
    /// Upper bounds: the counts measured when the emission was last changed. A change that adds IL to
    /// the device's inner loops fails here. With the loops unrolled by four these were 24.75, 36.75,
    /// 42.75, 61.75, 75.75, 59.75 and 73.75: dropping the unrolling (for flash: each loop is now
    /// written once, not once per run and four times over) costs 2.25 instructions per parameter,
    /// 4% of an AdamW step, 9% of plain SGD's.
    /// </summary>
    public static TheoryData<string, string, double> Methods() => new()
    {
        { "SgdOptimizer", "UpdatePlain", 27 },
        { "SgdOptimizer", "UpdateMomentum", 39 },
        { "SgdOptimizer", "UpdateNesterov", 45 },
        { "AdamOptimizer", "Update", 64 },
        { "AdamOptimizer", "UpdateAmsgrad", 78 },
        { "AdamWOptimizer", "Update", 62 },
        { "AdamWOptimizer", "UpdateAmsgrad", 76 },
    };

    /// <summary>The device loops are not unrolled (flash; see UpdateLoopEmitter.WriteDeviceMethods).</summary>
    private const int ElementsPerIteration = 1;

    [Theory]
    [MemberData(nameof(Methods))]
    public void Il_instructions_per_parameter_stay_within_the_tuned_bound(string optimizer, string method, double bound)
    {
        double perParameter = InstructionsPerParameter(optimizer, method);
        output.WriteLine($"{optimizer}.{method}: {perParameter:F2} IL instructions per parameter");
        Assert.InRange(perParameter, 1, bound);
    }

    /// <summary>Instructions between the loop's head and its backward branch, per element the body updates.</summary>
    private static double InstructionsPerParameter(string optimizer, string method)
    {
        using var pe = new PEReader(File.OpenRead(DeviceAssembly.AssemblyOf("WeightDecay.Edge.Device.Samples.CostProbe").Location));
        MetadataReader reader = pe.GetMetadataReader();
        MethodDefinition definition = reader.MethodDefinitions
            .Select(reader.GetMethodDefinition)
            .Single(m => reader.GetString(m.Name) == method + "Decayed"
                && reader.GetString(reader.GetTypeDefinition(m.GetDeclaringType()).Name) == optimizer
                && reader.GetString(reader.GetTypeDefinition(reader.GetTypeDefinition(m.GetDeclaringType()).GetDeclaringType()).Name) == "CostProbe");
        byte[] il = pe.GetMethodBody(definition.RelativeVirtualAddress).GetILBytes()!;

        var starts = new List<int>();
        (int From, int To)? loop = null;
        for (int offset = 0; offset < il.Length;)
        {
            starts.Add(offset);
            short value = il[offset] == 0xFE ? (short)(0xFE00 | il[offset + 1]) : il[offset];
            OpCode code = s_opCodes[value];
            int next = offset + code.Size + OperandSize(code, il, offset + code.Size);
            int? target = code.OperandType switch
            {
                OperandType.ShortInlineBrTarget => next + (sbyte)il[next - 1],
                OperandType.InlineBrTarget => next + BitConverter.ToInt32(il, next - 4),
                _ => null,
            };
            if (target < offset)
            {
                Assert.Null(loop); // One loop: CostProbe has a single run.
                loop = (target.Value, offset);
            }

            offset = next;
        }

        Assert.NotNull(loop);
        int instructions = starts.Count(start => start >= loop.Value.From && start <= loop.Value.To);
        return instructions / (double)ElementsPerIteration;
    }

    private static int OperandSize(OpCode code, byte[] il, int at) => code.OperandType switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
        _ => 4,
    };
}

using System.Reflection;
using System.Reflection.Emit;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>One decoded IL instruction: where it starts, its opcode, its operand bytes as a number and, for branches, the target.</summary>
internal readonly record struct IlInstruction(int Offset, OpCode OpCode, long Operand, int[] Targets)
{
    private static readonly Dictionary<short, OpCode> s_opCodes = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (OpCode)field.GetValue(null)!)
        .ToDictionary(code => code.Value);

    /// <summary>The offset of the next instruction.</summary>
    public int Next { get; init; }

    /// <summary>Decodes a whole method body.</summary>
    public static List<IlInstruction> Decode(byte[] il)
    {
        var instructions = new List<IlInstruction>();
        for (int offset = 0; offset < il.Length;)
        {
            short value = il[offset] == 0xFE ? (short)(0xFE00 | il[offset + 1]) : il[offset];
            OpCode code = s_opCodes[value];
            int at = offset + code.Size;
            (long operand, int size) = code.OperandType switch
            {
                OperandType.InlineNone => (0L, 0),
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI => ((long)(sbyte)il[at], 1),
                OperandType.ShortInlineVar => ((long)il[at], 1),
                OperandType.InlineVar => ((long)BitConverter.ToUInt16(il, at), 2),
                OperandType.InlineI8 or OperandType.InlineR => (BitConverter.ToInt64(il, at), 8),
                OperandType.InlineSwitch => ((long)BitConverter.ToInt32(il, at), 4 + (4 * BitConverter.ToInt32(il, at))),
                OperandType.ShortInlineR => ((long)BitConverter.ToInt32(il, at), 4),
                _ => ((long)BitConverter.ToInt32(il, at), 4),
            };
            int next = at + size;
            int[] targets = code.OperandType switch
            {
                OperandType.ShortInlineBrTarget or OperandType.InlineBrTarget => [next + (int)operand],
                OperandType.InlineSwitch => Enumerable.Range(0, (int)operand).Select(k => next + BitConverter.ToInt32(il, at + 4 + (4 * k))).ToArray(),
                _ => [],
            };
            instructions.Add(new IlInstruction(offset, code, operand, targets) { Next = next });
            offset = next;
        }

        return instructions;
    }
}

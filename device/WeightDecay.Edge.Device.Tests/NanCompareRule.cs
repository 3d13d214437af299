using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// Finds the comparisons nanoCLR evaluates wrongly when an operand is NaN. Its interpreter compares
/// floats through one three-way result that reports "greater" for unordered operands, so an opcode
/// that reads "greater" as true (or "less" through the unordered variants) decides NaN differently
/// from .NET. An abstract interpreter walks each method body, tracking which evaluation stack slots
/// hold a float32/float64, and reports every such opcode applied to float operands.
/// </summary>
internal static class NanCompareRule
{
    /// <summary>
    /// The opcodes nanoCLR gets wrong with a NaN float operand: the one table to correct if the
    /// interpreter is found to differ. Correct there: ceq, beq, bne.un, clt, blt, ble, cgt.un,
    /// bgt.un, bge.un (and their short forms).
    /// </summary>
    public static readonly ImmutableHashSet<short> WrongWithNaN = ImmutableHashSet.Create(
        OpCodes.Cgt.Value,
        OpCodes.Bgt.Value,
        OpCodes.Bgt_S.Value,
        OpCodes.Bge.Value,
        OpCodes.Bge_S.Value,
        OpCodes.Clt_Un.Value,
        OpCodes.Blt_Un.Value,
        OpCodes.Blt_Un_S.Value,
        OpCodes.Ble_Un.Value,
        OpCodes.Ble_Un_S.Value);

    /// <summary>The comparison and conditional-branch opcodes (a float operand makes them NaN decisions).</summary>
    private static readonly ImmutableHashSet<short> s_comparisons = WrongWithNaN.Union(new[]
    {
        OpCodes.Ceq.Value, OpCodes.Clt.Value, OpCodes.Cgt_Un.Value,
        OpCodes.Beq.Value, OpCodes.Beq_S.Value, OpCodes.Bne_Un.Value, OpCodes.Bne_Un_S.Value,
        OpCodes.Blt.Value, OpCodes.Blt_S.Value, OpCodes.Ble.Value, OpCodes.Ble_S.Value,
        OpCodes.Bgt_Un.Value, OpCodes.Bgt_Un_S.Value, OpCodes.Bge_Un.Value, OpCodes.Bge_Un_S.Value,
    });

    /// <summary>"Type::Method IL_xxxx opcode" for every wrong-on-nanoCLR comparison of floats in the assembly.</summary>
    public static List<string> Violations(DeviceImage image) =>
        FloatComparisons(image).Where(found => WrongWithNaN.Contains(found.Instruction.OpCode.Value)).Select(found => found.Text).ToList();

    /// <summary>Every comparison or conditional branch whose operands include a float, right or wrong.</summary>
    public static List<(IlInstruction Instruction, string Text)> FloatComparisons(DeviceImage image)
    {
        var found = new List<(IlInstruction, string)>();
        foreach (MethodDefinitionHandle handle in image.Reader.MethodDefinitions)
        {
            MethodDefinition method = image.Reader.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            foreach (IlInstruction instruction in Check(image, method))
            {
                found.Add((instruction, $"{image.Describe(handle)} IL_{instruction.Offset:x4} {instruction.OpCode.Name}"));
            }
        }

        return found;
    }

    private static IEnumerable<IlInstruction> Check(DeviceImage image, MethodDefinition method)
    {
        MetadataReader reader = image.Reader;
        MethodBodyBlock body = image.PE.GetMethodBody(method.RelativeVirtualAddress);
        List<IlInstruction> code = IlInstruction.Decode(body.GetILBytes()!);
        var index = new Dictionary<int, int>();
        for (int i = 0; i < code.Count; i++)
        {
            index[code[i].Offset] = i;
        }

        var isFloat = new FloatTypes();
        MethodSignature<Slot> signature = method.DecodeSignature(isFloat, null);
        var arguments = new List<Slot>();
        if (signature.Header.IsInstance)
        {
            arguments.Add(Slot.Other);
        }

        arguments.AddRange(signature.ParameterTypes);
        ImmutableArray<Slot> locals = body.LocalSignature.IsNil
            ? []
            : reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(isFloat, null);

        var pending = new Stack<(int At, ImmutableStack<bool> Stack)>();
        var seen = new HashSet<int>();
        pending.Push((0, []));
        foreach (ExceptionRegion region in body.ExceptionRegions)
        {
            bool catches = region.Kind is ExceptionRegionKind.Catch or ExceptionRegionKind.Filter;
            pending.Push((region.HandlerOffset, catches ? ImmutableStack.Create(false) : []));
            if (region.Kind == ExceptionRegionKind.Filter)
            {
                pending.Push((region.FilterOffset, ImmutableStack.Create(false)));
            }
        }

        var compares = new SortedDictionary<int, IlInstruction>();
        while (pending.Count > 0)
        {
            (int at, ImmutableStack<bool> stack) = pending.Pop();
            for (int i = index[at]; seen.Add(code[i].Offset); i++)
            {
                IlInstruction instruction = code[i];
                OpCode op = instruction.OpCode;
                if (s_comparisons.Contains(op.Value) && (stack.Peek() || stack.Pop().Peek()))
                {
                    compares[instruction.Offset] = instruction;
                }

                stack = Apply(reader, instruction, stack, arguments, locals, isFloat);
                foreach (int target in instruction.Targets)
                {
                    pending.Push((target, stack));
                }

                if (op.FlowControl is FlowControl.Branch or FlowControl.Return or FlowControl.Throw
                    || op == OpCodes.Endfinally || op == OpCodes.Endfilter || i + 1 == code.Count)
                {
                    break;
                }
            }
        }

        return compares.Values;
    }

    private static ImmutableStack<bool> Apply(
        MetadataReader reader,
        IlInstruction instruction,
        ImmutableStack<bool> stack,
        List<Slot> arguments,
        ImmutableArray<Slot> locals,
        FloatTypes isFloat)
    {
        OpCode op = instruction.OpCode;
        if (op == OpCodes.Leave || op == OpCodes.Leave_S)
        {
            return [];
        }

        if (op == OpCodes.Dup)
        {
            return stack.Push(stack.Peek());
        }

        if (op == OpCodes.Ret)
        {
            return [];
        }

        if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj)
        {
            MethodSignature<Slot> callee = CalleeSignature(reader, MetadataTokens.EntityHandle((int)instruction.Operand), isFloat);
            int pops = callee.ParameterTypes.Length + (callee.Header.IsInstance && op != OpCodes.Newobj ? 1 : 0);
            stack = Pop(stack, pops);
            if (op == OpCodes.Newobj)
            {
                return stack.Push(false);
            }

            return callee.ReturnType == Slot.Void ? stack : stack.Push(callee.ReturnType == Slot.Float);
        }

        // Loads whose type the operand names.
        bool? loaded = op.Value switch
        {
            _ when op == OpCodes.Ldarg_0 => arguments[0] == Slot.Float,
            _ when op == OpCodes.Ldarg_1 => arguments[1] == Slot.Float,
            _ when op == OpCodes.Ldarg_2 => arguments[2] == Slot.Float,
            _ when op == OpCodes.Ldarg_3 => arguments[3] == Slot.Float,
            _ when op == OpCodes.Ldarg_S || op == OpCodes.Ldarg => arguments[(int)instruction.Operand] == Slot.Float,
            _ when op == OpCodes.Ldloc_0 => locals[0] == Slot.Float,
            _ when op == OpCodes.Ldloc_1 => locals[1] == Slot.Float,
            _ when op == OpCodes.Ldloc_2 => locals[2] == Slot.Float,
            _ when op == OpCodes.Ldloc_3 => locals[3] == Slot.Float,
            _ when op == OpCodes.Ldloc_S || op == OpCodes.Ldloc => locals[(int)instruction.Operand] == Slot.Float,
            _ when op == OpCodes.Ldfld || op == OpCodes.Ldsfld => FieldIsFloat(reader, MetadataTokens.EntityHandle((int)instruction.Operand), isFloat),
            _ => null,
        };

        int popCount = Pops(op);
        bool anyFloat = stack.Take(popCount).Any(slot => slot);
        stack = Pop(stack, popCount);
        if (loaded is bool value)
        {
            return stack.Push(value);
        }

        switch (op.StackBehaviourPush)
        {
            case StackBehaviour.Push0:
                return stack;
            case StackBehaviour.Pushr4:
            case StackBehaviour.Pushr8:
                return stack.Push(true);
            case StackBehaviour.Push1 when op.OpCodeType == OpCodeType.Primitive && op.StackBehaviourPop is StackBehaviour.Pop1 or StackBehaviour.Pop1_pop1:
                // Arithmetic (add, sub, mul, div, rem, neg): a float in, a float out.
                return stack.Push(anyFloat);
            case StackBehaviour.Push1_push1:
                return stack.Push(false).Push(false);
            default:
                return stack.Push(false);
        }
    }

    private static int Pops(OpCode op) => op.StackBehaviourPop switch
    {
        StackBehaviour.Pop0 => 0,
        StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref => 1,
        StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8
            or StackBehaviour.Popi_popr4 or StackBehaviour.Popi_popr8 or StackBehaviour.Popref_pop1 or StackBehaviour.Popref_popi => 2,
        StackBehaviour.Popi_popi_popi or StackBehaviour.Popref_popi_popi or StackBehaviour.Popref_popi_popi8
            or StackBehaviour.Popref_popi_popr4 or StackBehaviour.Popref_popi_popr8 or StackBehaviour.Popref_popi_popref
            or StackBehaviour.Popref_popi_pop1 => 3,
        _ => throw new NotSupportedException(op.Name + ": variable pops"),
    };

    private static ImmutableStack<bool> Pop(ImmutableStack<bool> stack, int count)
    {
        for (int k = 0; k < count; k++)
        {
            stack = stack.Pop();
        }

        return stack;
    }

    private static MethodSignature<Slot> CalleeSignature(MetadataReader reader, EntityHandle handle, FloatTypes isFloat) => handle.Kind switch
    {
        HandleKind.MethodDefinition => reader.GetMethodDefinition((MethodDefinitionHandle)handle).DecodeSignature(isFloat, null),
        HandleKind.MemberReference => reader.GetMemberReference((MemberReferenceHandle)handle).DecodeMethodSignature(isFloat, null),
        _ => throw new NotSupportedException("call through " + handle.Kind),
    };

    private static bool FieldIsFloat(MetadataReader reader, EntityHandle handle, FloatTypes isFloat) => handle.Kind switch
    {
        HandleKind.FieldDefinition => reader.GetFieldDefinition((FieldDefinitionHandle)handle).DecodeSignature(isFloat, null) == Slot.Float,
        HandleKind.MemberReference => reader.GetMemberReference((MemberReferenceHandle)handle).DecodeFieldSignature(isFloat, null) == Slot.Float,
        _ => false,
    };

    /// <summary>What a signature type means to the rule.</summary>
    private enum Slot
    {
        Other,
        Float,
        Void,
    }

    /// <summary>Decodes a signature to "is it float32 or float64" (or void, for return types).</summary>
    private sealed class FloatTypes : ISignatureTypeProvider<Slot, object?>
    {
        public Slot GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.Single or PrimitiveTypeCode.Double => Slot.Float,
            PrimitiveTypeCode.Void => Slot.Void,
            _ => Slot.Other,
        };

        public Slot GetArrayType(Slot elementType, ArrayShape shape) => Slot.Other;

        public Slot GetByReferenceType(Slot elementType) => Slot.Other;

        public Slot GetFunctionPointerType(MethodSignature<Slot> signature) => Slot.Other;

        public Slot GetGenericInstantiation(Slot genericType, ImmutableArray<Slot> typeArguments) => Slot.Other;

        public Slot GetGenericMethodParameter(object? genericContext, int index) => Slot.Other;

        public Slot GetGenericTypeParameter(object? genericContext, int index) => Slot.Other;

        public Slot GetModifiedType(Slot modifier, Slot unmodifiedType, bool isRequired) => unmodifiedType;

        public Slot GetPinnedType(Slot elementType) => Slot.Other;

        public Slot GetPointerType(Slot elementType) => Slot.Other;

        public Slot GetSZArrayType(Slot elementType) => Slot.Other;

        public Slot GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => Slot.Other;

        public Slot GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => Slot.Other;

        public Slot GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) => Slot.Other;
    }
}

using System.Reflection.Metadata;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// Method-body IL bytes of a device assembly, by part. nanoFramework's metadata processor turns
/// about 0.84 bytes of bytecode out of each IL byte and rejects an assembly over 64 KiB of bytecode,
/// so these sums are the assembly's share of that cap.
/// </summary>
internal static class IlSize
{
    /// <summary>The part of the generated code a method belongs to.</summary>
    public enum Part
    {
        /// <summary>The layout's own members: constructor, buffers, copies, tensor views.</summary>
        Layout,

        /// <summary>Forward and backward passes of the [Dense] layers, losses, Predict.</summary>
        Dense,

        /// <summary>An optimizer's construction, hyperparameters and step.</summary>
        Optimizer,

        /// <summary>An optimizer's checkpoint save, load and validation.</summary>
        Checkpoint,

        /// <summary>Types the generator emits once per assembly (attributes, helpers, formats, schedules).</summary>
        Shared,

        /// <summary>The user's own code (a firmware's Program).</summary>
        User,
    }

    /// <summary>One method's size and where it belongs: <c>Owner</c> is the layout (or shared type) and <c>Class</c> the optimizer, if any.</summary>
    public readonly record struct Entry(string Owner, string? Class, Part Part, string Method, int Bytes);

    public static List<Entry> Measure(DeviceImage image)
    {
        MetadataReader reader = image.Reader;
        var entries = new List<Entry>();
        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            (TypeDefinitionHandle top, string? nested) = Outermost(reader, handle);
            TypeDefinition outer = reader.GetTypeDefinition(top);
            string ns = reader.GetString(outer.Namespace);
            string owner = image.TypeName(top);
            bool shared = ns is "WeightDecay.Edge" or "WeightDecay.Edge.Generated";
            bool layout = !shared && outer.GetFields().Any(f => reader.GetString(reader.GetFieldDefinition(f).Name) == "Parameters");
            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = reader.GetMethodDefinition(methodHandle);
                byte[]? il = image.Il(method);
                if (il is null || owner == "<Module>")
                {
                    continue;
                }

                string name = reader.GetString(method.Name);
                Part part = shared ? Part.Shared
                    : !layout ? Part.User
                    : nested is null ? (IsDense(name) ? Part.Dense : Part.Layout)
                    : IsCheckpoint(name) ? Part.Checkpoint
                    : Part.Optimizer;
                entries.Add(new Entry(shared ? "(shared)" : owner, nested, part, name, il.Length));
            }
        }

        return entries;
    }

    private static bool IsDense(string name) =>
        name.StartsWith("Dense", StringComparison.Ordinal) || name is "Forward" or "Predict"
        || name.StartsWith("Accumulate", StringComparison.Ordinal);

    private static bool IsCheckpoint(string name) =>
        name.Contains("Checkpoint", StringComparison.Ordinal) || name.StartsWith("WeightDecay.Edge.Generated.ICheckpointCodec.", StringComparison.Ordinal);

    /// <summary>The top-level type and the name of the first nested level below it (the optimizer class), if any.</summary>
    private static (TypeDefinitionHandle Top, string? Nested) Outermost(MetadataReader reader, TypeDefinitionHandle handle)
    {
        string? nested = null;
        TypeDefinitionHandle current = handle;
        while (true)
        {
            TypeDefinitionHandle declaring = reader.GetTypeDefinition(current).GetDeclaringType();
            if (declaring.IsNil)
            {
                return (current, nested);
            }

            nested = reader.GetString(reader.GetTypeDefinition(current).Name);
            current = declaring;
        }
    }
}

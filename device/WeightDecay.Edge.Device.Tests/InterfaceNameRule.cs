using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// nanoCLR does not read the MethodImpl table: it finds the implementation of an interface method
/// by name, first "Namespace.Interface.Method" (an explicit implementation), then "Method". An
/// implementation named anything else (the compiler writes <c>global::Ns.IFoo.M</c> for an
/// explicit implementation spelled with <c>global::</c>) is never found, and the call throws.
/// </summary>
internal static class InterfaceNameRule
{
    /// <summary>Every MethodImpl row whose implementation nanoCLR cannot find by name, and every MethodDef named with "global::".</summary>
    public static List<string> Violations(DeviceImage image)
    {
        MetadataReader reader = image.Reader;
        var found = new List<string>();
        for (int index = 1; index <= reader.GetTableRowCount(TableIndex.MethodImpl); index++)
        {
            MethodImplementation row = reader.GetMethodImplementation(MetadataTokens.MethodImplementationHandle(index));
            if (row.MethodBody.Kind != HandleKind.MethodDefinition)
            {
                continue;
            }

            var body = (MethodDefinitionHandle)row.MethodBody;
            string name = reader.GetString(reader.GetMethodDefinition(body).Name);
            (string interfaceName, string method) = Declaration(reader, row.MethodDeclaration);
            if (name != method && name != interfaceName + "." + method)
            {
                found.Add($"{image.Describe(body)} implements {interfaceName}.{method}");
            }
        }

        foreach (MethodDefinitionHandle handle in reader.MethodDefinitions)
        {
            if (reader.GetString(reader.GetMethodDefinition(handle).Name).Contains("global::", StringComparison.Ordinal))
            {
                found.Add(image.Describe(handle) + " is named with global::");
            }
        }

        return found.Distinct().ToList();
    }

    /// <summary>The interface's "Namespace.Name" and the method's name.</summary>
    private static (string Interface, string Method) Declaration(MetadataReader reader, EntityHandle declaration)
    {
        if (declaration.Kind == HandleKind.MethodDefinition)
        {
            MethodDefinition method = reader.GetMethodDefinition((MethodDefinitionHandle)declaration);
            TypeDefinition type = reader.GetTypeDefinition(method.GetDeclaringType());
            return (Qualify(reader.GetString(type.Namespace), reader.GetString(type.Name)), reader.GetString(method.Name));
        }

        MemberReference member = reader.GetMemberReference((MemberReferenceHandle)declaration);
        string typeName = member.Parent.Kind switch
        {
            HandleKind.TypeReference => Qualify(
                reader.GetString(reader.GetTypeReference((TypeReferenceHandle)member.Parent).Namespace),
                reader.GetString(reader.GetTypeReference((TypeReferenceHandle)member.Parent).Name)),
            HandleKind.TypeDefinition => Qualify(
                reader.GetString(reader.GetTypeDefinition((TypeDefinitionHandle)member.Parent).Namespace),
                reader.GetString(reader.GetTypeDefinition((TypeDefinitionHandle)member.Parent).Name)),
            _ => "?",
        };
        return (typeName, reader.GetString(member.Name));
    }

    private static string Qualify(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;
}

using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>
/// The device build must load on nanoFramework: it references only mscorlib, every type and
/// method it uses exists in nanoFramework's mscorlib, and it has no generics (the metadata
/// processor rejects them) and no multi-dimensional arrays (the device does not support them).
/// </summary>
public sealed class DeviceIlTests : IDisposable
{
    private readonly PEReader _mscorlib = new(File.OpenRead(DeviceAssembly.NanoFrameworkMscorlibPath));

    /// <summary>Every device assembly, by file name, for the theories below.</summary>
    public static TheoryData<string> Assemblies() => new(DeviceAssembly.Paths.Select(Path.GetFileName)!);

    public void Dispose() => _mscorlib.Dispose();

    private static PEReader Open(string name) =>
        new(File.OpenRead(DeviceAssembly.Paths.Single(path => Path.GetFileName(path) == name)));

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void References_only_mscorlib(string assembly)
    {
        using PEReader device = Open(assembly);
        MetadataReader reader = device.GetMetadataReader();
        string[] references = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToArray();
        Assert.Equal(["mscorlib"], references);
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Has_no_generic_definitions_or_instantiations(string assembly)
    {
        using PEReader device = Open(assembly);
        MetadataReader reader = device.GetMetadataReader();
        Assert.Equal(0, reader.GetTableRowCount(TableIndex.GenericParam));
        Assert.Equal(0, reader.GetTableRowCount(TableIndex.MethodSpec));
        Assert.Equal(0, reader.GetTableRowCount(TableIndex.GenericParamConstraint));
        Assert.Empty(SignatureScan.Run(reader).GenericInstantiations);
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Has_no_multidimensional_arrays(string assembly)
    {
        using PEReader device = Open(assembly);
        SignatureScan scan = SignatureScan.Run(device.GetMetadataReader());
        Assert.Empty(scan.MultiDimensionalArrays);
        Assert.NotEmpty(scan.SzArrays); // The scan does see arrays: the flat float[] buffers.
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Every_referenced_type_exists_in_nanoFramework_mscorlib(string assembly)
    {
        using PEReader image = Open(assembly);
        MetadataReader device = image.GetMetadataReader();
        HashSet<string> available = TypeNames(_mscorlib.GetMetadataReader());
        string[] used = device.TypeReferences.Select(h => FullName(device, device.GetTypeReference(h))).Distinct().ToArray();
        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.Contains(name, available));
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Every_referenced_member_exists_in_nanoFramework_mscorlib(string assembly)
    {
        using PEReader image = Open(assembly);
        MetadataReader device = image.GetMetadataReader();
        MetadataReader mscorlib = _mscorlib.GetMetadataReader();
        var members = new HashSet<string>();
        foreach (TypeDefinitionHandle handle in mscorlib.TypeDefinitions)
        {
            TypeDefinition type = mscorlib.GetTypeDefinition(handle);
            string typeName = FullName(mscorlib, type);
            foreach (MethodDefinitionHandle method in type.GetMethods())
            {
                members.Add(typeName + "::" + mscorlib.GetString(mscorlib.GetMethodDefinition(method).Name));
            }

            foreach (FieldDefinitionHandle field in type.GetFields())
            {
                members.Add(typeName + "::" + mscorlib.GetString(mscorlib.GetFieldDefinition(field).Name));
            }
        }

        var used = new List<string>();
        foreach (MemberReferenceHandle handle in device.MemberReferences)
        {
            MemberReference member = device.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                used.Add(FullName(device, device.GetTypeReference((TypeReferenceHandle)member.Parent)) + "::" + device.GetString(member.Name));
            }
        }

        Assert.Contains("System.ArgumentOutOfRangeException::.ctor", used);
        Assert.All(used, name => Assert.Contains(name, members));
    }

    private static HashSet<string> TypeNames(MetadataReader reader) =>
        reader.TypeDefinitions.Select(h => FullName(reader, reader.GetTypeDefinition(h))).ToHashSet();

    private static string FullName(MetadataReader reader, TypeReference type)
    {
        string name = reader.GetString(type.Name);
        return type.ResolutionScope.Kind == HandleKind.TypeReference
            ? FullName(reader, reader.GetTypeReference((TypeReferenceHandle)type.ResolutionScope)) + "+" + name
            : Qualify(reader.GetString(type.Namespace), name);
    }

    private static string FullName(MetadataReader reader, TypeDefinition type)
    {
        string name = reader.GetString(type.Name);
        TypeDefinitionHandle declaring = type.GetDeclaringType();
        return declaring.IsNil
            ? Qualify(reader.GetString(type.Namespace), name)
            : FullName(reader, reader.GetTypeDefinition(declaring)) + "+" + name;
    }

    private static string Qualify(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

    /// <summary>Decodes every signature in the assembly and records the array and generic shapes it meets.</summary>
    private sealed class SignatureScan : ISignatureTypeProvider<string, object?>
    {
        public List<string> GenericInstantiations { get; } = [];

        public List<string> MultiDimensionalArrays { get; } = [];

        public List<string> SzArrays { get; } = [];

        public static SignatureScan Run(MetadataReader reader)
        {
            var scan = new SignatureScan();
            foreach (MethodDefinitionHandle handle in reader.MethodDefinitions)
            {
                MethodDefinition method = reader.GetMethodDefinition(handle);
                method.DecodeSignature(scan, null);
            }

            foreach (FieldDefinitionHandle handle in reader.FieldDefinitions)
            {
                reader.GetFieldDefinition(handle).DecodeSignature(scan, null);
            }

            for (int row = 1; row <= reader.GetTableRowCount(TableIndex.StandAloneSig); row++)
            {
                StandaloneSignature signature = reader.GetStandaloneSignature(MetadataTokens.StandaloneSignatureHandle(row));
                if (signature.GetKind() == StandaloneSignatureKind.LocalVariables)
                {
                    signature.DecodeLocalSignature(scan, null);
                }
                else
                {
                    signature.DecodeMethodSignature(scan, null);
                }
            }

            for (int row = 1; row <= reader.GetTableRowCount(TableIndex.TypeSpec); row++)
            {
                reader.GetTypeSpecification(MetadataTokens.TypeSpecificationHandle(row)).DecodeSignature(scan, null);
            }

            foreach (MemberReferenceHandle handle in reader.MemberReferences)
            {
                MemberReference member = reader.GetMemberReference(handle);
                if (member.GetKind() == MemberReferenceKind.Method)
                {
                    member.DecodeMethodSignature(scan, null);
                }
                else
                {
                    member.DecodeFieldSignature(scan, null);
                }
            }

            return scan;
        }

        public string GetArrayType(string elementType, ArrayShape shape)
        {
            MultiDimensionalArrays.Add($"{elementType}[rank {shape.Rank}]");
            return elementType + "[,]";
        }

        public string GetSZArrayType(string elementType)
        {
            SzArrays.Add(elementType + "[]");
            return elementType + "[]";
        }

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
        {
            GenericInstantiations.Add($"{genericType}<{string.Join(",", typeArguments)}>");
            return genericType;
        }

        public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;

        public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPinnedType(string elementType) => elementType;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) =>
            reader.GetString(reader.GetTypeDefinition(handle).Name);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) =>
            reader.GetString(reader.GetTypeReference(handle).Name);

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind) =>
            reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);
    }
}

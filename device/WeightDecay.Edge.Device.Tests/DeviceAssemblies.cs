using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>An assembly built for the device, read with System.Reflection.Metadata.</summary>
internal sealed class DeviceImage : IDisposable
{
    private readonly PEReader _pe;

    public DeviceImage(string path)
    {
        Path = path;
        _pe = new PEReader(File.OpenRead(path));
        Reader = _pe.GetMetadataReader();
    }

    public string Path { get; }

    public string Name => System.IO.Path.GetFileNameWithoutExtension(Path);

    public MetadataReader Reader { get; }

    public PEReader PE => _pe;

    /// <summary>The method's IL bytes, or null for a method without a body.</summary>
    public byte[]? Il(MethodDefinition method) =>
        method.RelativeVirtualAddress == 0 ? null : _pe.GetMethodBody(method.RelativeVirtualAddress).GetILBytes();

    /// <summary>"Namespace.Type+Nested::Method", for messages.</summary>
    public string Describe(MethodDefinitionHandle handle)
    {
        MethodDefinition method = Reader.GetMethodDefinition(handle);
        return TypeName(method.GetDeclaringType()) + "::" + Reader.GetString(method.Name);
    }

    public string TypeName(TypeDefinitionHandle handle)
    {
        TypeDefinition type = Reader.GetTypeDefinition(handle);
        string name = Reader.GetString(type.Name);
        TypeDefinitionHandle declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return TypeName(declaring) + "+" + name;
        }

        string ns = Reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public void Dispose() => _pe.Dispose();
}

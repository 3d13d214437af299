using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>Where the device builds and nanoFramework's mscorlib are, and the device builds loaded on .NET.</summary>
internal static class DeviceAssembly
{
    private static readonly Lazy<Assembly[]> s_loaded = new(() => Paths.Select(Assembly.LoadFrom).ToArray());

    /// <summary>Every assembly the repository builds for the device (the sample firmware split as a user splits it).</summary>
    public static string[] Paths => Metadata("DeviceAssemblies").Split(';', StringSplitOptions.RemoveEmptyEntries);

    public static string NanoFrameworkMscorlibPath => Metadata("NanoFrameworkMscorlib");

    /// <summary>
    /// A type of the device builds, loaded on this .NET runtime (their mscorlib reference resolves to
    /// .NET's). Types every device assembly carries (the shared emitted types) come from the first
    /// assembly that has them.
    /// </summary>
    public static Type GetType(string fullName) =>
        s_loaded.Value.Select(assembly => assembly.GetType(fullName)).FirstOrDefault(type => type is not null)
        ?? throw new TypeLoadException(fullName + " is in no device assembly");

    /// <summary>The device assembly that defines a type (for the shared types next to a layout).</summary>
    public static Assembly AssemblyOf(string fullName) => GetType(fullName).Assembly;

    private static string Metadata(string key) =>
        typeof(DeviceAssembly).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

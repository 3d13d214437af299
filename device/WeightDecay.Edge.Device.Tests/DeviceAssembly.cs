using System.Linq;
using System.Reflection;

namespace WeightDecay.Edge.Device.Tests;

/// <summary>Where the device build and nanoFramework's mscorlib are, and the device build loaded on .NET.</summary>
internal static class DeviceAssembly
{
    private static readonly Lazy<Assembly> s_loaded = new(() => Assembly.LoadFrom(Path));

    public static string Path => Metadata("DeviceSamplesAssembly");

    public static string NanoFrameworkMscorlibPath => Metadata("NanoFrameworkMscorlib");

    /// <summary>The device build, loaded on this .NET runtime (its mscorlib reference resolves to .NET's).</summary>
    public static Assembly Loaded => s_loaded.Value;

    public static Type GetType(string fullName) =>
        Loaded.GetType(fullName, throwOnError: true)!;

    private static string Metadata(string key) =>
        typeof(DeviceAssembly).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

using System.Reflection;
using System.Runtime.InteropServices;

[assembly: AssemblyTitle("WeightDecay.Edge.Device.Firmware")]
[assembly: AssemblyDescription("Fine-tunes a small sensor head on a nanoFramework board with WeightDecay.Edge's AdamW.")]
[assembly: AssemblyProduct("WeightDecay.Edge")]
[assembly: AssemblyCopyright("WeightDecay.Edge developers")]
[assembly: ComVisible(false)]
[assembly: AssemblyVersion("0.1.0.0")]
[assembly: AssemblyFileVersion("0.1.0.0")]

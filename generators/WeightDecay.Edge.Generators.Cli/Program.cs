using System;

namespace WeightDecay.Edge.Generators.Cli;

/// <summary>Entry point of <c>wde-generate</c>; see <see cref="CliOptions.Usage"/>.</summary>
internal static class Program
{
    public static int Main(string[] args) => GenerateCommand.Run(args, Console.Out, Console.Error);
}

namespace WeightDecay.Edge.Generators.Cli.Tests;

/// <summary>
/// Runs wde-generate in this process: the code its <c>Main</c> runs, with standard output and error
/// captured. Starting the tool as a process costs a second or two of JIT-compiling Roslyn each time;
/// the tests that are about the process itself (exit codes and messages of bad arguments, the usage,
/// the .nfproj target that runs it) start it with <see cref="ProcessRunner"/>.
/// </summary>
internal static class Tool
{
    /// <summary>Runs the tool with the given arguments, as <c>wde-generate</c> would on the command line.</summary>
    public static ProcessResult Run(params string[] arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = GenerateCommand.Run(arguments, output, error);
        return new ProcessResult(exitCode, output.ToString(), error.ToString());
    }
}

using System.Diagnostics;

namespace WeightDecay.Edge.Generators.Cli.Tests;

/// <summary>The outcome of a run of a process or of the tool: exit code and everything it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit code {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
}

/// <summary>Runs the dotnet host: the tool (dotnet exec wde-generate.dll), the compiler, msbuild.</summary>
internal static class ProcessRunner
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs wde-generate as a process (<c>dotnet exec wde-generate.dll</c>); <see cref="Tool.Run"/> runs it in this process.</summary>
    public static ProcessResult Tool(params string[] arguments) =>
        Dotnet(new[] { "exec", TestPaths.CliDll }.Concat(arguments).ToArray());

    public static ProcessResult Dotnet(string[] arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(TestPaths.DotnetHost)
        {
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in {s_timeout}.");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, output.Result, error.Result);
    }
}

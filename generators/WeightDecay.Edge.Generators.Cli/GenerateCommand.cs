using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace WeightDecay.Edge.Generators.Cli;

/// <summary>
/// The tool itself: reads the sources and references, runs <see cref="ModelLayoutGenerator"/>
/// through <see cref="CSharpGeneratorDriver"/>, writes the generated sources and reports.
/// </summary>
internal static class GenerateCommand
{
    public const int Success = 0;
    public const int ErrorDiagnostics = 1;
    public const int BadInput = 2;
    public const int OutputFailure = 3;

    private const string ToolName = "wde-generate";

    /// <summary>Runs the tool; never throws for bad input, only returns an exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        CliOptions? options = CliOptions.Parse(args, out string? error);
        if (options is null)
        {
            stderr.WriteLine($"{ToolName}: error: {error}");
            stderr.WriteLine($"Run '{ToolName} --help' for the usage.");
            return BadInput;
        }

        if (options.Help)
        {
            stdout.Write(CliOptions.Usage);
            return Success;
        }

        try
        {
            return Generate(options, stdout, stderr);
        }
        catch (InputException exception)
        {
            stderr.WriteLine($"{ToolName}: error: {exception.Message}");
            return BadInput;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{ToolName}: error: could not write the output: {exception.Message}");
            return OutputFailure;
        }
    }

    private static int Generate(CliOptions options, TextWriter stdout, TextWriter stderr)
    {
        var parseOptions = new CSharpParseOptions(
            options.LanguageVersion, DocumentationMode.Parse, SourceCodeKind.Regular, options.Defines);
        ImmutableArray<SyntaxTree> trees = options.Sources.Select(path => ReadSource(path, parseOptions)).ToImmutableArray();
        ImmutableArray<MetadataReference> references = options.References.Select(ReadReference).ToImmutableArray();
        string outputDirectory = Path.GetFullPath(options.OutputDirectory!);

        CSharpCompilation input = CSharpCompilation.Create(
            "WeightDecay.Edge.Generated",
            trees,
            references,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: options.Nullable,
                deterministic: true));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new ModelLayoutGenerator().AsSourceGenerator() },
            parseOptions: parseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> driverDiagnostics);
        GeneratorDriverRunResult runResult = driver.GetRunResult();
        GeneratorRunResult result = runResult.Results.Single();

        // Generated trees are reported at the path they are written to.
        var writtenPaths = new Dictionary<SyntaxTree, string>();
        foreach (GeneratedSourceResult source in result.GeneratedSources)
        {
            writtenPaths[source.SyntaxTree] = OutputPath(outputDirectory, source.HintName);
        }

        var diagnostics = new List<Diagnostic>(driverDiagnostics);
        diagnostics.AddRange(result.Diagnostics.Where(diagnostic => !driverDiagnostics.Contains(diagnostic)));
        if (options.Verify)
        {
            diagnostics.AddRange(output.GetDiagnostics());
        }

        int errors = 0;
        int warnings = 0;
        foreach (Diagnostic diagnostic in diagnostics
            .Where(diagnostic => diagnostic.Severity >= DiagnosticSeverity.Warning)
            .Distinct()
            .OrderBy(diagnostic => diagnostic.Severity == DiagnosticSeverity.Error ? 0 : 1)
            .ThenBy(diagnostic => diagnostic.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(diagnostic => diagnostic.Location.SourceSpan.Start))
        {
            bool isError = diagnostic.Severity == DiagnosticSeverity.Error || options.WarningsAsErrors;
            if (isError)
            {
                errors++;
            }
            else
            {
                warnings++;
            }

            stderr.WriteLine(Format(diagnostic, isError, writtenPaths));
        }

        if (result.Exception is not null)
        {
            errors++;
            stderr.WriteLine($"{ToolName}: error: the generator threw {result.Exception.GetType().Name}: {result.Exception.Message}");
        }

        Directory.CreateDirectory(outputDirectory);
        int written = 0;
        var generatedPaths = new HashSet<string>(StringComparer.Ordinal);
        foreach (GeneratedSourceResult source in result.GeneratedSources)
        {
            string path = OutputPath(outputDirectory, source.HintName);
            generatedPaths.Add(path);
            if (WriteIfChanged(path, source.SourceText))
            {
                written++;
            }
        }

        int deleted = 0;
        if (options.Clean)
        {
            foreach (string stale in Directory.EnumerateFiles(outputDirectory, "*.g.cs", SearchOption.AllDirectories)
                .Select(Path.GetFullPath)
                .Where(path => !generatedPaths.Contains(path))
                .ToList())
            {
                File.Delete(stale);
                deleted++;
            }
        }

        if (!options.Quiet)
        {
            string verified = options.Verify ? ", sources and generated code compiled" : string.Empty;
            stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{ToolName}: {result.GeneratedSources.Length} files in {outputDirectory} ({written} written, {result.GeneratedSources.Length - written} unchanged{(options.Clean ? $", {deleted} stale deleted" : string.Empty)}){verified}: {errors} error(s), {warnings} warning(s)."));
        }

        return errors > 0 ? ErrorDiagnostics : Success;
    }

    /// <summary>
    /// Writes the text as the compiler writes generated files (a StreamWriter in the text's own
    /// encoding, UTF-8 with BOM for generator sources), skipping the write when the bytes are equal
    /// so that unchanged files keep their timestamps and incremental builds stay incremental.
    /// </summary>
    private static bool WriteIfChanged(string path, SourceText text)
    {
        byte[] bytes;
        using (var buffer = new MemoryStream())
        {
            using (var writer = new StreamWriter(buffer, text.Encoding ?? new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 4096, leaveOpen: true))
            {
                text.Write(writer);
            }

            bytes = buffer.ToArray();
        }

        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return true;
    }

    private static string OutputPath(string outputDirectory, string hintName) =>
        Path.GetFullPath(Path.Combine(outputDirectory, hintName.Replace('\\', '/')));

    private static string Format(Diagnostic diagnostic, bool isError, IReadOnlyDictionary<SyntaxTree, string> writtenPaths)
    {
        string severity = isError ? "error" : "warning";
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        if (!diagnostic.Location.IsInSource && diagnostic.Location.Kind != LocationKind.ExternalFile)
        {
            return $"{ToolName}: {severity} {diagnostic.Id}: {message}";
        }

        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        string path = diagnostic.Location.SourceTree is { } tree && writtenPaths.TryGetValue(tree, out string? written)
            ? written
            : span.Path;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{path}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {severity} {diagnostic.Id}: {message}");
    }

    private static SyntaxTree ReadSource(string path, CSharpParseOptions parseOptions)
    {
        string fullPath = Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            throw new InputException($"'{path}' is a directory: pass the .cs files themselves.");
        }

        if (!File.Exists(fullPath))
        {
            throw new InputException($"source file '{path}' not found.");
        }

        SourceText text;
        try
        {
            using FileStream stream = File.OpenRead(fullPath);
            text = SourceText.From(stream, encoding: null, SourceHashAlgorithm.Sha256, throwIfBinaryDetected: true);
        }
        catch (InvalidDataException)
        {
            throw new InputException($"source file '{path}' is binary, not C#.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"source file '{path}' could not be read: {exception.Message}");
        }

        return CSharpSyntaxTree.ParseText(text, parseOptions, fullPath);
    }

    private static MetadataReference ReadReference(string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new InputException($"reference '{path}' not found."
                + (Path.GetFileName(path).Equals("mscorlib.dll", StringComparison.OrdinalIgnoreCase)
                    ? " For nanoFramework it is lib/mscorlib.dll in the nanoFramework.CoreLibrary package (restore the project's packages first)."
                    : string.Empty));
        }

        try
        {
            using FileStream stream = File.OpenRead(fullPath);
            using var reader = new PEReader(stream);
            if (!reader.HasMetadata || !reader.GetMetadataReader().IsAssembly)
            {
                throw new InputException($"reference '{path}' is not a .NET assembly.");
            }
        }
        catch (BadImageFormatException)
        {
            throw new InputException($"reference '{path}' is not a .NET assembly.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"reference '{path}' could not be read: {exception.Message}");
        }

        return MetadataReference.CreateFromFile(fullPath);
    }

    /// <summary>Bad input: reported as one line, exit code <see cref="BadInput"/>, no stack trace.</summary>
    private sealed class InputException(string message) : Exception(message);
}

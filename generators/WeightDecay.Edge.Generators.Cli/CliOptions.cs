using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace WeightDecay.Edge.Generators.Cli;

/// <summary>The parsed command line of <c>wde-generate</c>.</summary>
internal sealed class CliOptions
{
    public List<string> References { get; } = new();

    public List<string> Sources { get; } = new();

    public List<string> Defines { get; } = new();

    public string? OutputDirectory { get; set; }

    public LanguageVersion LanguageVersion { get; set; } = LanguageVersion.CSharp7_3;

    public NullableContextOptions Nullable { get; set; } = NullableContextOptions.Disable;

    public bool Verify { get; set; }

    public bool WarningsAsErrors { get; set; }

    public bool Clean { get; set; }

    public bool Quiet { get; set; }

    public bool Help { get; set; }

    public const string Usage = """
Usage: wde-generate --reference <assembly.dll> [--reference ...] --out <dir> [options] <file.cs>...

Runs the WeightDecay.Edge source generator over the given C# sources, as the compiler would, and
writes every generated source to <dir>/<hint name> (UTF-8 with BOM, byte for byte what the
analyzer emits). For nanoFramework, reference the mscorlib.dll of nanoFramework.CoreLibrary
(packages/nanoFramework.CoreLibrary.<version>/lib/mscorlib.dll) and, if your project uses it,
nanoFramework.System.Math's System.Math.dll: the generator then uses Math.Sqrt.

Options:
  -r, --reference <path>    An assembly the project references (repeatable; at least one: the
                            mscorlib the project compiles against).
  -o, --out <dir>           Where to write the generated files (created if missing). Files whose
                            content is unchanged are not rewritten.
  --langversion <version>   C# language version of the project: 7.3 (default, nanoFramework),
                            8, 9, 10, 11, 12, latest.
  -d, --define <symbols>    Preprocessor symbols, separated by ';' or ',' (repeatable).
  --nullable <context>      disable (default), enable, warnings or annotations.
  --verify                  Also compile the sources with the generated files and report the
                            compiler's errors (exit code 1 on any).
  --warnaserror             Treat warnings (generator's and, with --verify, the compiler's) as errors.
  --clean                   Delete *.g.cs files in <dir> that this run did not generate.
  -q, --quiet               Print only diagnostics, no summary.
  -h, --help                Show this help.

Exit codes: 0 success; 1 error diagnostics; 2 bad arguments or missing or unreadable input;
3 the output could not be written.
""";

    /// <summary>Parses <paramref name="args"/>; returns null and sets <paramref name="error"/> on a bad command line.</summary>
    public static CliOptions? Parse(IReadOnlyList<string> args, out string? error)
    {
        var options = new CliOptions();
        error = null;
        bool onlySources = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (onlySources || !arg.StartsWith('-') || arg == "-")
            {
                options.Sources.Add(arg);
                continue;
            }

            string name = arg;
            string? inlineValue = null;
            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }

            switch (name)
            {
                case "--":
                    onlySources = true;
                    break;
                case "-h":
                case "--help":
                case "-?":
                    options.Help = true;
                    break;
                case "-r":
                case "--reference":
                    if (!TryValue(args, ref i, name, inlineValue, out string? reference, out error))
                    {
                        return null;
                    }

                    options.References.Add(reference);
                    break;
                case "-o":
                case "--out":
                    if (!TryValue(args, ref i, name, inlineValue, out string? output, out error))
                    {
                        return null;
                    }

                    if (options.OutputDirectory is not null)
                    {
                        error = "--out is given more than once.";
                        return null;
                    }

                    options.OutputDirectory = output;
                    break;
                case "--langversion":
                    if (!TryValue(args, ref i, name, inlineValue, out string? version, out error))
                    {
                        return null;
                    }

                    if (!LanguageVersionFacts.TryParse(version, out LanguageVersion parsed))
                    {
                        error = $"--langversion: '{version}' is not a C# language version (for example 7.3, 10, latest).";
                        return null;
                    }

                    options.LanguageVersion = parsed;
                    break;
                case "-d":
                case "--define":
                    if (!TryValue(args, ref i, name, inlineValue, out string? defines, out error))
                    {
                        return null;
                    }

                    foreach (string symbol in defines.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        if (!SyntaxFacts.IsValidIdentifier(symbol))
                        {
                            error = $"--define: '{symbol}' is not a valid preprocessor symbol.";
                            return null;
                        }

                        options.Defines.Add(symbol);
                    }

                    break;
                case "--nullable":
                    if (!TryValue(args, ref i, name, inlineValue, out string? nullable, out error))
                    {
                        return null;
                    }

                    switch (nullable.ToUpperInvariant())
                    {
                        case "DISABLE": options.Nullable = NullableContextOptions.Disable; break;
                        case "ENABLE": options.Nullable = NullableContextOptions.Enable; break;
                        case "WARNINGS": options.Nullable = NullableContextOptions.Warnings; break;
                        case "ANNOTATIONS": options.Nullable = NullableContextOptions.Annotations; break;
                        default:
                            error = $"--nullable: '{nullable}' is not one of disable, enable, warnings, annotations.";
                            return null;
                    }

                    break;
                case "--verify":
                    options.Verify = true;
                    break;
                case "--warnaserror":
                    options.WarningsAsErrors = true;
                    break;
                case "--clean":
                    options.Clean = true;
                    break;
                case "-q":
                case "--quiet":
                    options.Quiet = true;
                    break;
                default:
                    error = $"Unknown option '{arg}'.";
                    return null;
            }

            if (inlineValue is not null && !TakesValue(name))
            {
                error = $"The option {name} takes no value.";
                return null;
            }
        }

        if (options.Help)
        {
            return options;
        }

        if (options.References.Count == 0)
        {
            error = "No --reference given: pass the mscorlib.dll the project compiles against (for nanoFramework, lib/mscorlib.dll of the nanoFramework.CoreLibrary package).";
            return null;
        }

        if (options.OutputDirectory is null)
        {
            error = "No --out directory given: say where to write the generated files.";
            return null;
        }

        if (options.Sources.Count == 0)
        {
            error = "No source files given: pass the .cs files that declare [ModelLayout] classes.";
            return null;
        }

        if (options.Nullable != NullableContextOptions.Disable
            && options.LanguageVersion.MapSpecifiedToEffectiveVersion() < LanguageVersion.CSharp8)
        {
            error = "--nullable needs --langversion 8 or later.";
            return null;
        }

        return options;
    }

    private static bool TakesValue(string name) =>
        name is "-r" or "--reference" or "-o" or "--out" or "--langversion" or "-d" or "--define" or "--nullable";

    private static bool TryValue(
        IReadOnlyList<string> args, ref int i, string name, string? inlineValue, out string value, out string? error)
    {
        error = null;
        if (inlineValue is not null)
        {
            value = inlineValue;
        }
        else if (i + 1 < args.Count && !(args[i + 1].StartsWith('-') && args[i + 1].Length > 1))
        {
            value = args[++i];
        }
        else
        {
            value = string.Empty;
            error = $"The option {name} needs a value.";
            return false;
        }

        if (value.Length == 0)
        {
            error = $"The option {name} needs a non-empty value.";
            return false;
        }

        return true;
    }
}

using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis.Text;

namespace WeightDecay.Edge.Generators.Shared;

/// <summary>
/// The fixed C# every layout relies on: attributes, exceptions, schedules, checkpoint framing and the
/// scalar helpers. It lives once, as ordinary files, in src/WeightDecay.Edge/Shared/: the desktop
/// runtime library compiles them as its public types, and this generator embeds them as resources and
/// emits them, internal, into compilations that do not reference that library (the device profile,
/// and a desktop project that uses the generator alone).
/// </summary>
/// <remarks>
/// Two groups, because they reach a compilation at different times:
/// <list type="bullet">
/// <item>The attributes (Shared/Attributes/) are post-initialization sources, so the user's
/// <c>[ModelLayout]</c> binds before the generator parses it. Post-initialization cannot look at the
/// compilation, so the text is wrapped in <c>#if !WEIGHTDECAY_EDGE_RUNTIME</c>, a symbol the package's
/// build targets define where the runtime library comes with it. Where it is missing but the library
/// is referenced anyway, <see cref="SharedTypeConflictSuppressor"/> silences the CS0436 that results.</item>
/// <item>Everything else is emitted from the target profile, and only when the runtime library is absent.</item>
/// </list>
/// </remarks>
internal static class SharedSources
{
    /// <summary>The preprocessor symbol that turns the emitted attributes off.</summary>
    public const string RuntimeSymbol = "WEIGHTDECAY_EDGE_RUNTIME";

    /// <summary>Every emitted shared file's hint name starts with this.</summary>
    public const string HintPrefix = "WeightDecay.Edge.Shared.";

    private const string ResourcePrefix = "Shared/";
    private const string AttributesFolder = "Attributes/";

    private static readonly Regex s_topLevelPublicType = new(
        @"^    public ((?:static |sealed |abstract |partial )*(?:class|interface|enum|struct|delegate) )",
        RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private static readonly Regex s_nullableDirective = new(@"^#nullable [a-z]+\r?\n", RegexOptions.Multiline | RegexOptions.CultureInvariant);

    private static readonly (ImmutableArray<SharedSource> Attributes, ImmutableArray<SharedSource> Types) s_sources = Load();

    /// <summary>The attributes, each wrapped in <c>#if !WEIGHTDECAY_EDGE_RUNTIME</c>.</summary>
    public static ImmutableArray<SharedSource> Attributes => s_sources.Attributes;

    /// <summary>The other shared types, emitted when the runtime library is not referenced.</summary>
    public static ImmutableArray<SharedSource> Types => s_sources.Types;

    private static (ImmutableArray<SharedSource>, ImmutableArray<SharedSource>) Load()
    {
        Assembly assembly = typeof(SharedSources).Assembly;
        var names = new List<string>(assembly.GetManifestResourceNames());
        names.Sort(System.StringComparer.Ordinal);
        ImmutableArray<SharedSource>.Builder attributes = ImmutableArray.CreateBuilder<SharedSource>();
        ImmutableArray<SharedSource>.Builder types = ImmutableArray.CreateBuilder<SharedSource>();
        foreach (string name in names)
        {
            if (!name.StartsWith(ResourcePrefix, System.StringComparison.Ordinal))
            {
                continue;
            }

            string relative = name.Substring(ResourcePrefix.Length);
            bool isAttribute = relative.StartsWith(AttributesFolder, System.StringComparison.Ordinal);
            string fileName = Path.GetFileNameWithoutExtension(relative);
            string text = ToInternal(Read(assembly, name));
            string hintName = HintPrefix + fileName + ".g.cs";
            if (isAttribute)
            {
                attributes.Add(new SharedSource(hintName, Text(Header + "#if !" + RuntimeSymbol + "\n\n" + text + "\n#endif\n")));
            }
            else
            {
                types.Add(new SharedSource(hintName, Text(Header + text)));
            }
        }

        return (attributes.ToImmutable(), types.ToImmutable());
    }

    /// <summary>The file as a compilation without the runtime library gets it: its top-level types internal.</summary>
    internal static string ToInternal(string fileText)
    {
        string text = s_nullableDirective.Replace(fileText.Replace("\r\n", "\n"), string.Empty);
        return s_topLevelPublicType.Replace(text, "    internal $1");
    }

    private static string Read(Assembly assembly, string name)
    {
        using Stream stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static SourceText Text(string text) => SourceText.From(text, Encoding.UTF8);

    private const string Header = """
// <auto-generated/>
// Emitted by the WeightDecay.Edge source generator from src/WeightDecay.Edge/Shared/. Do not edit: changes are lost on the next build.

""";
}

/// <summary>One shared file as the generator adds it.</summary>
/// <param name="HintName">The generated file's name.</param>
/// <param name="Text">Its text.</param>
internal sealed record SharedSource(string HintName, SourceText Text);

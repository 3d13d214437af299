using System.Collections.Generic;
using System.Linq;

namespace WeightDecay.Edge.Generators.Model;

/// <summary>
/// The shared types a layout's generated file names by their short names, through file-level aliases
/// (<c>using CheckpointFormat = global::WeightDecay.Edge.Generated.CheckpointFormat;</c>), instead of spelling
/// <c>global::WeightDecay.Edge.Generated.CheckpointFormat</c> at every use. An alias is used only where the name is
/// free at the layout: a type, namespace or member of that name the layout's code can see (a <c>Buffers</c> class in
/// its namespace, a <c>Checkpoints</c> property of the class, a tensor named <c>Buffers</c>) would shadow it or conflict with
/// it, so the parser records those names (<see cref="LayoutSpec.TakenAliases"/>) and the file spells them out in full.
/// </summary>
internal static class SharedTypeAliases
{
    /// <summary>Each alias and the type it stands for, without <c>global::</c>.</summary>
    public static readonly (string Alias, string Type)[] All =
    {
        ("CheckpointFormat", "WeightDecay.Edge.Generated.CheckpointFormat"),
        ("Checkpoints", "WeightDecay.Edge.Generated.Checkpoints"),
        ("HyperParameters", "WeightDecay.Edge.Generated.HyperParameters"),
        ("Buffers", "WeightDecay.Edge.Generated.Buffers"),
        ("GradientNorm", "WeightDecay.Edge.Generated.GradientNorm"),
        ("Subnormals", "WeightDecay.Edge.Generated.Subnormals"),
        ("BiasCorrection", "WeightDecay.Edge.Generated.BiasCorrection"),
        ("ParameterInit", "WeightDecay.Edge.Generated.ParameterInit"),
        ("FloatMath", "WeightDecay.Edge.Generated.FloatMath"),
        ("CheckpointError", "WeightDecay.Edge.CheckpointError"),
        ("CheckpointKey", "WeightDecay.Edge.CheckpointKey"),
        ("ICheckpointStorage", "WeightDecay.Edge.ICheckpointStorage"),
        ("LearningRateSchedule", "WeightDecay.Edge.LearningRateSchedule"),
        ("DecoupledDecay", "WeightDecay.Edge.DecoupledDecay"),
    };

    /// <summary>The aliases free at <paramref name="layout"/>: all but its <see cref="LayoutSpec.TakenAliases"/>.</summary>
    public static IEnumerable<(string Alias, string Type)> FreeAt(LayoutSpec layout) =>
        All.Where(entry => !layout.TakenAliases.Contains(entry.Alias));
}

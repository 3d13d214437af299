using System.Collections.Generic;
using System.Linq;
using System.Text;
using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// Emits each optimizer's checkpoint members: sizes, the layout hash, Save/Load over caller buffers, the
/// two-slot storage and (desktop) a Stream, and the explicit <c>ICheckpointCodec</c> implementation that
/// writes, validates and commits the payload. The shared framing is in src/WeightDecay.Edge/Shared/Generated/CheckpointFormat.cs;
/// the format is specified in docs/checkpoints.md.
/// </summary>
internal static class CheckpointEmitter
{
    private const string Format = "global::WeightDecay.Edge.Generated.CheckpointFormat";
    private const string Shared = "global::WeightDecay.Edge.Generated.Checkpoints";
    private const string Error = "global::WeightDecay.Edge.CheckpointError";
    private const string Key = "global::WeightDecay.Edge.CheckpointKey";

    /// <summary>Bytes before the parameters: header, step count, skipped-step count, option word, hyperparameters.</summary>
    private static int FloatsOffset(OptimizerDefinition shape) => CheckpointLayout.HyperParametersOffset + 4 * shape.HyperParameters.Count;

    /// <summary>Whether a checkpoint of the layout fits in one .NET array, with <paramref name="stateArrays"/> state arrays at most.</summary>
    public static bool Fits(LayoutSpec layout, int stateArrays) =>
        128L + 4L * (layout.ParameterCount + layout.AnchoredParameterCount)
            + 4L * (stateArrays + WeightAverageEmitter.StateFloatsPerParameter(layout)) * layout.TrainableParameterCount <= int.MaxValue;

    private static long Bytes(LayoutSpec layout, OptimizerDefinition shape, bool withOptional)
    {
        int arrays = shape.States.Count(state => withOptional || !state.Optional);
        return FloatsOffset(shape) + 4L * (layout.ParameterCount + layout.AnchoredParameterCount) + 4L * arrays * layout.TrainableParameterCount + CheckpointLayout.TrailerBytes;
    }

    /// <summary>
    /// The floats of the model a checkpoint holds before the optimizer state, as C#: the parameters, then the anchor
    /// when the layout has one.
    /// </summary>
    private static string ModelFloats(LayoutSpec layout) =>
        AnchorEmitter.HasAnchor(layout) ? "(ParameterCount + AnchoredParameterCount)" : "ParameterCount";

    /// <summary>
    /// The text the layout hash is computed from (docs/checkpoints.md): every tensor with its shape and
    /// flags, every dense layer with its activation, and the optimizer with its state flags (and AdamW's
    /// <c>cautious=1</c> when the layout sets <c>CautiousWeightDecay</c>).
    /// </summary>
    public static string LayoutDescription(LayoutSpec layout, string optimizer, int stateFlags)
    {
        var text = new StringBuilder("WeightDecay.Edge checkpoint layout 1\n");
        foreach (TensorSpec tensor in layout.Tensors)
        {
            text.Append("tensor ").Append(tensor.Name).Append(' ')
                .Append(string.Join("x", tensor.Shape.Select(Literals.Int)))
                .Append(" decay=").Append(tensor.Decay ? '1' : '0')
                .Append(" trainable=").Append(tensor.Trainable ? '1' : '0');
            if (tensor.L1 != 0f)
            {
                text.Append(" l1=").Append(tensor.L1.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (tensor.MaxNorm != 0f)
            {
                text.Append(" maxnorm=").Append(tensor.MaxNorm.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (tensor.Anchored)
            {
                text.Append(" anchor=1");
            }

            if (tensor.LearningRateScale != 1f)
            {
                text.Append(" lrscale=").Append(tensor.LearningRateScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }

            if (tensor.WeightDecayScale != 1f)
            {
                text.Append(" wdscale=").Append(tensor.WeightDecayScale.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        foreach (DenseLayerSpec dense in layout.DenseLayers)
        {
            text.Append("dense ").Append(dense.Name).Append(' ')
                .Append(Literals.Int(dense.Inputs)).Append("->").Append(Literals.Int(dense.Outputs))
                .Append(' ').Append(dense.Activation.ToString()).Append('\n');
        }

        if (layout.HasEma)
        {
            text.Append("ema ").Append(Literals.DecimalOf(layout.EmaDecay)).Append('\n');
        }

        if (layout.AccumulatesGradients)
        {
            text.Append("accumulate ").Append(Literals.Int(layout.GradientAccumulationSteps)).Append('\n');
        }

        text.Append("optimizer ").Append(optimizer).Append(" state=").Append(Literals.Int(stateFlags));
        if ((optimizer == "AdamWOptimizer" && layout.CautiousWeightDecay) || (optimizer == "SgdOptimizer" && layout.SgdCautiousWeightDecay))
        {
            text.Append(" cautious=1"); // Only when set: every other layout keeps its hash.
        }

        return text.Append('\n').ToString();
    }

    /// <summary>FNV-1a, 64 bits, over the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static ulong Fnv1a64(string text)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            hash ^= b;
            hash *= 1099511628211UL;
        }

        return hash;
    }

    public static void Emit(CodeWriter writer, LayoutSpec layout, TargetProfile profile, OptimizerDefinition shape)
    {
        shape = WeightAverageEmitter.WithAverage(layout, shape);
        int trainable = layout.TrainableParameterCount;
        ulong hashWithout = Fnv1a64(LayoutDescription(layout, shape.ClassName, 0));
        ulong hashWith = Fnv1a64(LayoutDescription(layout, shape.ClassName, 1));
        string present = shape.OptionalStatePresent;
        string optionalName = shape.States.First(state => state.Optional).TorchName;

        writer.Line();
        writer.Line("// Checkpoints: the format is specified in docs/checkpoints.md.");
        writer.Line($"private const int CheckpointKind = {Literals.Int(shape.CheckpointKind)};");
        writer.Line($"private const int CheckpointBytesWithout = {Literals.Int(Bytes(layout, shape, false))};");
        writer.Line($"private const int CheckpointBytesWith = {Literals.Int(Bytes(layout, shape, true))};");
        writer.Line($"private const ulong CheckpointHashWithout = 0x{hashWithout:X16}UL;");
        writer.Line($"private const ulong CheckpointHashWith = 0x{hashWith:X16}UL;");
        writer.Line($"private const int CheckpointFloatsOffset = {Literals.Int(FloatsOffset(shape))};");

        writer.Line();
        writer.Line($"/// <summary>Bytes of a checkpoint with {optionalName}: the most any checkpoint of this optimizer takes.</summary>");
        writer.Line("public const int MaxCheckpointBytes = CheckpointBytesWith;");

        writer.Line();
        writer.Line("/// <summary>Bytes of a sealed checkpoint with " + optionalName + ": <see cref=\"MaxCheckpointBytes\"/> plus the 32-byte HMAC-SHA256 tag.</summary>");
        writer.Line($"public const int MaxSealedCheckpointBytes = CheckpointBytesWith + {Format}.TagBytes;");

        writer.Line();
        writer.Line($"/// <summary>{Literals.Int(Bytes(layout, shape, false))} without {optionalName}, {Literals.Int(Bytes(layout, shape, true))} with it (<see cref=\"MaxCheckpointBytes\"/>).</summary>");
        writer.Line($"public override int CheckpointBytes => {present} ? CheckpointBytesWith : CheckpointBytesWithout;");

        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line($"public override ulong CheckpointLayoutHash => {present} ? CheckpointHashWith : CheckpointHashWithout;");
        writer.Line();
        writer.Line($"private protected override {CodecType} Codec => this;");
        WriteCodec(writer, layout, shape, trainable, profile.SupportsNullable);
    }

    private const string CodecType = "global::WeightDecay.Edge.Generated.ICheckpointCodec";

    /// <summary>
    /// The checkpoint members of the layout's optimizers' base class: the sizes and hash each optimizer class gives, and
    /// the overloads every optimizer shares, written once over <c>Codec</c>, the derived class's payload codec (framing
    /// and protocol in the shared Checkpoints and CheckpointFormat).
    /// </summary>
    public static void EmitBase(CodeWriter writer, TargetProfile profile)
    {
        writer.Line();
        writer.Line("/// <summary>Bytes of a checkpoint of this optimizer as configured now (optional state, such as AMSGrad's, takes more).</summary>");
        writer.Line("public abstract int CheckpointBytes { get; }");
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The layout hash a checkpoint of this optimizer carries as configured now: FNV-1a (64 bits) of the tensors' names, shapes");
        writer.Line("/// and flags, the dense layers, the optimizer and its optional state. A checkpoint with another hash is refused.");
        writer.Line("/// </summary>");
        writer.Line("public abstract ulong CheckpointLayoutHash { get; }");
        writer.Line();
        writer.Line("// What a checkpoint of the derived optimizer holds besides the framing: it writes, checks and commits the payload.");
        writer.Line($"private protected abstract {CodecType} Codec {{ get; }}");
        WritePublicMethods(writer, profile);
        WriteKeyedMethods(writer, profile);
    }

    private static void WritePublicMethods(CodeWriter writer, TargetProfile profile)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Writes a checkpoint (parameters, optimizer state, <see cref=\"StepCount\"/>, <see cref=\"SkippedStepCount\"/>, hyperparameters");
        writer.Line("/// and options) into <paramref name=\"destination\"/> at <paramref name=\"offset\"/>. Allocates nothing. The schedule and");
        writer.Line("/// the gradients are not saved.");
        writer.Line("/// </summary>");
        writer.Line("/// <returns>The bytes written: <see cref=\"CheckpointBytes\"/>.</returns>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"destination\"/> is null.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"offset\"/> is outside the array.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">Fewer than <see cref=\"CheckpointBytes\"/> bytes from <paramref name=\"offset\"/>.</exception>");
        writer.Line("/// <exception cref=\"global::System.InvalidOperationException\">A parameter, state value or hyperparameter is NaN or infinite: such a checkpoint could not be loaded, so nothing is written.</exception>");
        writer.Arrow("public int SaveCheckpoint(byte[] destination, int offset)", $"{Shared}.Save(Codec, destination, offset, 0UL, null)");

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Loads a checkpoint written by <c>SaveCheckpoint</c>: checks everything first (format, CRC-32s, optimizer, layout, every");
        writer.Line("/// value) and only then replaces the parameters, state, step counts, hyperparameters and options. On any exception the");
        writer.Line("/// model and this optimizer are exactly as they were. Allocates nothing unless it throws. Gradients are left alone.");
        writer.Line("/// </summary>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"source\"/> is null.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\"><paramref name=\"offset\"/> or <paramref name=\"count\"/> is outside the array.</exception>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointFormatException\">Not a checkpoint, or of an unsupported format version.</exception>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointTruncatedException\">Fewer bytes than the checkpoint's length.</exception>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointCorruptException\">A CRC-32 does not match.</exception>");
        writer.Line($"/// <exception cref=\"global::WeightDecay.Edge.CheckpointMismatchException\">A checkpoint of another optimizer, of this one with other optional state (momentum buffer, AMSGrad), or of another layout.</exception>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointValueException\">A NaN or infinite value, or a hyperparameter out of its range.</exception>");
        writer.Arrow("public void LoadCheckpoint(byte[] source, int offset, int count)", $"{Shared}.Load(Codec, source, offset, count, null, false, 0UL)");

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Saves with the two-slot protocol: reads and checks both slots of <paramref name=\"storage\"/>, then writes the checkpoint,");
        writer.Line("/// numbered one past the newest loadable one, into the other slot (slot 0 when neither is loadable). The newest loadable");
        writer.Line("/// checkpoint is never written over, so a power cut at any byte of the write leaves it loadable. <paramref name=\"scratch\"/>");
        writer.Line("/// (at least <see cref=\"CheckpointBytes\"/>, as each slot) is used to read the slots and build the checkpoint. Allocates nothing.");
        if (!profile.HasRuntimeLibrary)
        {
            writer.Line("/// Internal where the storage interface is emitted internal (no runtime library: the device).");
        }

        writer.Line("/// </summary>");
        writer.Line("/// <returns>The sequence number written (1 for the first checkpoint).</returns>");
        writer.Line("/// <exception cref=\"global::System.ArgumentNullException\"><paramref name=\"storage\"/> or <paramref name=\"scratch\"/> is null.</exception>");
        writer.Line("/// <exception cref=\"global::System.ArgumentException\">The scratch buffer or a slot is smaller than <see cref=\"CheckpointBytes\"/>.</exception>");
        writer.Line("/// <exception cref=\"global::System.InvalidOperationException\">A value is NaN or infinite; nothing is written.</exception>");
        writer.Arrow(
            profile.SharedAccessibility + " ulong SaveCheckpoint(global::WeightDecay.Edge.ICheckpointStorage storage, byte[] scratch)",
            $"{Shared}.SaveToSlots(Codec, storage, scratch, null, false, 0UL)");

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// Loads the newest loadable checkpoint of a two-slot <paramref name=\"storage\"/> (the one with the higher sequence number");
        writer.Line("/// among those that pass every check of <see cref=\"LoadCheckpoint(byte[], int, int)\"/>). Allocates nothing unless a slot");
        writer.Line("/// is damaged or it throws.");
        writer.Line("/// </summary>");
        writer.Line("/// <returns>The slot loaded, 0 or 1.</returns>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointNotFoundException\">Neither slot is loadable (the message says why, slot by slot); nothing changed.</exception>");
        writer.Arrow(
            profile.SharedAccessibility + " int LoadCheckpoint(global::WeightDecay.Edge.ICheckpointStorage storage, byte[] scratch)",
            $"{Shared}.LoadFromSlots(Codec, storage, scratch, null, false, 0UL)");

        if (!profile.HasStream)
        {
            return;
        }

        writer.Line();
        writer.Line("/// <summary>Writes a checkpoint to <paramref name=\"stream\"/> as <see cref=\"SaveCheckpoint(byte[], int)\"/> does, through one buffer of <see cref=\"CheckpointBytes\"/>.</summary>");
        writer.Arrow("public void SaveCheckpoint(global::System.IO.Stream stream)", "SaveCheckpoint(stream, null, 0UL)");

        writer.Line();
        writer.Line("/// <summary>Reads up to <see cref=\"CheckpointBytes\"/> bytes from <paramref name=\"stream\"/> and loads them as <see cref=\"LoadCheckpoint(byte[], int, int)\"/> does.</summary>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointException\">The checkpoint was refused; nothing changed.</exception>");
        writer.Arrow("public void LoadCheckpoint(global::System.IO.Stream stream)", "LoadCheckpoint(stream, null, false, 0UL)");
    }

    // The overloads with a CheckpointKey (sealing, authentication) and a sequence number (rollback protection):
    //   public int SaveCheckpoint(byte[] destination, int offset, CheckpointKey key, ulong sequence) => Checkpoints.Save(...);
    //   public void LoadCheckpoint(byte[] source, int offset, int count, CheckpointKey key, ulong minimumSequence) => Checkpoints.Load(...);
    //   the two-slot pair with (key, minimumSequence), and on desktop the Stream pair. Their docs say what the key and the
    //   sequence add to the overload without them; the rest (exceptions, guarantees) is that overload's.
    private static void WriteKeyedMethods(CodeWriter writer, TargetProfile profile)
    {
        string key = Key + (profile.SupportsNullable ? "?" : string.Empty);
        const string Sealing = "a null <paramref name=\"key\"/> writes an unsealed one (version 1).";
        const string Requiring = "A null <paramref name=\"key\"/> requires an unsealed one.";
        const string Minimum = "/// <paramref name=\"minimumSequence\"/> is the oldest sequence number accepted (wrap-around order; 0 accepts any below 2^63):";
        const string MinimumAdvice = "/// keep the number the last two-slot save returned in a monotonic counter and pass it here.";
        const string ClearedException = "/// <exception cref=\"global::System.InvalidOperationException\">The key was cleared, or a value is NaN or infinite; nothing is written.</exception>";

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// As <see cref=\"SaveCheckpoint(byte[], int)\"/>, numbered <paramref name=\"sequence\"/> and sealed with <paramref name=\"key\"/>");
        writer.Line($"/// (HMAC-SHA256, format version 2, 32 bytes more); {Sealing} Allocates nothing.");
        writer.Line("/// </summary>");
        writer.Line(ClearedException);
        writer.Arrow(
            profile.SharedAccessibility + $" int SaveCheckpoint(byte[] destination, int offset, {key} key, ulong sequence)",
            $"{Shared}.Save(Codec, destination, offset, sequence, key)");

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// As <see cref=\"LoadCheckpoint(byte[], int, int)\"/>, and also requires the checkpoint to be sealed with <paramref name=\"key\"/>");
        writer.Line($"/// (checked after the CRCs, before any value) and numbered at or after <paramref name=\"minimumSequence\"/>. {Requiring}");
        writer.Line(Minimum);
        writer.Line(MinimumAdvice);
        writer.Line("/// </summary>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointAuthenticationException\">Not sealed (with a key), sealed (without), sealed with another key, or altered after sealing.</exception>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointRollbackException\">The sequence number is before <paramref name=\"minimumSequence\"/>.</exception>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointException\">Any other refusal of <see cref=\"LoadCheckpoint(byte[], int, int)\"/>.</exception>");
        writer.Arrow(
            profile.SharedAccessibility + $" void LoadCheckpoint(byte[] source, int offset, int count, {key} key, ulong minimumSequence)",
            $"{Shared}.Load(Codec, source, offset, count, key, true, minimumSequence)");

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The two-slot save of <see cref=\"SaveCheckpoint(global::WeightDecay.Edge.ICheckpointStorage, byte[])\"/>, sealing with");
        writer.Line("/// <paramref name=\"key\"/>: a slot counts as loadable only if it is sealed with this key and numbered at or after");
        writer.Line("/// <paramref name=\"minimumSequence\"/>, and the checkpoint written is numbered after it. The scratch buffer and the slots");
        writer.Line($"/// need <see cref=\"CheckpointBytes\"/> + 32 bytes when sealing; {Sealing} Allocates nothing.");
        writer.Line("/// </summary>");
        writer.Line(ClearedException);
        writer.Arrow(
            profile.SharedAccessibility + $" ulong SaveCheckpoint(global::WeightDecay.Edge.ICheckpointStorage storage, byte[] scratch, {key} key, ulong minimumSequence)",
            $"{Shared}.SaveToSlots(Codec, storage, scratch, key, true, minimumSequence)");

        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The two-slot load of <see cref=\"LoadCheckpoint(global::WeightDecay.Edge.ICheckpointStorage, byte[])\"/>, considering only");
        writer.Line($"/// slots sealed with <paramref name=\"key\"/> and numbered at or after <paramref name=\"minimumSequence\"/>. {Requiring}");
        writer.Line("/// </summary>");
        writer.Line("/// <exception cref=\"global::WeightDecay.Edge.CheckpointNotFoundException\">Neither slot is loadable (the message says why, slot by slot); nothing changed.</exception>");
        writer.Arrow(
            profile.SharedAccessibility + $" int LoadCheckpoint(global::WeightDecay.Edge.ICheckpointStorage storage, byte[] scratch, {key} key, ulong minimumSequence)",
            $"{Shared}.LoadFromSlots(Codec, storage, scratch, key, true, minimumSequence)");

        if (!profile.HasStream)
        {
            return;
        }

        writer.Line();
        writer.Line("/// <summary>Writes a checkpoint to <paramref name=\"stream\"/> as <see cref=\"SaveCheckpoint(byte[], int, " + Key + ", ulong)\"/> does, through one buffer of its length.</summary>");
        using (writer.OpenBlock(profile.SharedAccessibility + $" void SaveCheckpoint(global::System.IO.Stream stream, {key} key, ulong sequence)"))
        {
            writer.Line("if (stream == null) { throw new global::System.ArgumentNullException(\"stream\"); }");
            writer.Line($"byte[] buffer = new byte[{Shared}.Length(Codec, key)];");
            writer.Line("SaveCheckpoint(buffer, 0, key, sequence);");
            writer.Line("stream.Write(buffer, 0, buffer.Length);");
        }

        writer.Line();
        writer.Line("/// <summary>Reads a checkpoint from <paramref name=\"stream\"/> and loads it as <see cref=\"LoadCheckpoint(byte[], int, int, " + Key + ", ulong)\"/> does, through one buffer of its length.</summary>");
        writer.Arrow(
            profile.SharedAccessibility + $" void LoadCheckpoint(global::System.IO.Stream stream, {key} key, ulong minimumSequence)",
            "LoadCheckpoint(stream, key, true, minimumSequence)");

        writer.Line();
        writer.Line("// Reads up to one checkpoint's bytes (sealed with key or not) and loads them, with or without the sequence check.");
        using (writer.OpenBlock($"private void LoadCheckpoint(global::System.IO.Stream stream, {key} key, bool checkSequence, ulong minimumSequence)"))
        {
            writer.Line("if (stream == null) { throw new global::System.ArgumentNullException(\"stream\"); }");
            writer.Line($"byte[] buffer = new byte[{Shared}.Length(Codec, key)];");
            writer.Line("int count = 0;");
            writer.Line("int read;");
            using (writer.OpenBlock("while (count < buffer.Length && (read = stream.Read(buffer, count, buffer.Length - count)) > 0)"))
            {
                writer.Line("count += read;");
            }

            writer.Line($"{Shared}.Load(Codec, buffer, 0, count, key, checkSequence, minimumSequence);");
        }
    }

    /// <summary>
    /// The file-level alias of <c>WeightDecay.Edge.Generated.ICheckpointCodec</c> the explicit implementations are
    /// written with, so their metadata names are "WeightDecay.Edge.Generated.ICheckpointCodec.X" (see LayoutEmitter).
    /// </summary>
    public const string CodecAlias = "WeightDecayEdgeCheckpointCodec";

    private static void WriteCodec(CodeWriter writer, LayoutSpec layout, OptimizerDefinition shape, int trainable, bool nullable)
    {
        const string Codec = CodecAlias;
        string present = shape.OptionalStatePresent;
        int knownOptions = shape.Options.Aggregate(0, (bits, option) => bits | option.Bit);

        writer.Line();
        writer.Line($"int {Codec}.CheckpointBytes => CheckpointBytes;");

        // FindNonFinite: what SaveCheckpoint refuses.
        writer.Line();
        using (writer.OpenBlock($"string{(nullable ? "?" : string.Empty)} {Codec}.FindNonFinite()"))
        {
            foreach (HyperParameter parameter in shape.HyperParameters)
            {
                writer.Line($"if (!{Format}.IsFinite({parameter.Field})) {{ return \"{parameter.Name}\"; }}");
            }

            writer.Line($"int index = {Format}.FindNonFinite(_model.Parameters, ParameterCount);");
            writer.Line("if (index >= 0) { return DescribeCheckpointFloat(index); }");
            if (AnchorEmitter.HasAnchor(layout))
            {
                writer.Line($"index = {Format}.FindNonFinite(_model.Anchor, AnchoredParameterCount);");
                writer.Line("if (index >= 0) { return DescribeCheckpointFloat(ParameterCount + index); }");
            }

            int block = 1;
            foreach (OptimizerState state in shape.States)
            {
                string scan = $"{Format}.FindNonFinite({state.Field}, TrainableParameterCount)";
                writer.Line(state.Optional ? $"index = {present} ? {scan} : -1;" : $"index = {scan};");
                writer.Line($"if (index >= 0) {{ return DescribeCheckpointFloat({ModelFloats(layout)} + {Literals.Int(block - 1)} * TrainableParameterCount + index); }}");
                block++;
            }

            writer.Line("return null;");
        }

        // Write.
        writer.Line();
        string keyType = Key + (nullable ? "?" : string.Empty);
        using (writer.OpenBlock($"void {Codec}.Write(byte[] d, int o, ulong sequence, {keyType} key)"))
        {
            writer.Line($"bool withState = {present};");
            writer.Line($"int length = (withState ? CheckpointBytesWith : CheckpointBytesWithout) + (key == null ? 0 : {Format}.TagBytes);");
            writer.Line($"{Format}.WriteHeader(d, o, key, CheckpointKind, withState ? 1 : 0, withState ? CheckpointHashWith : CheckpointHashWithout, sequence, length, ParameterCount, TrainableParameterCount);");
            writer.Joined("int options = ", shape.Options.Select(option => $"({option.Read} ? {Literals.Int(option.Bit)} : 0)").ToList(), " | ", ";");
            writer.Line($"{Format}.WritePayloadHead(d, o, StepCount, SkippedStepCount, options);");
            for (int k = 0; k < shape.HyperParameters.Count; k++)
            {
                writer.Line($"{Format}.WriteHyperParameter(d, o, {Literals.Int(k)}, {shape.HyperParameters[k].Field});");
            }

            WriteFloatBlocks(writer, layout, shape, "WriteSingles", "d");

            writer.Line($"{Format}.Seal(d, o, length, key);");
        }

        // Validate.
        writer.Line();
        using (writer.OpenBlock($"{Error} {Codec}.Validate(byte[] s, int o, int count, {keyType} key, bool checkSequence, ulong minimumSequence, out ulong sequence, out string message)"))
        {
            writer.Line($"bool withState = {present};");
            writer.Line($"{Error} error = {Format}.ValidateFrame(s, o, count, \"{shape.ClassName}\", CheckpointKind, withState ? 1 : 0, "
                + "withState ? CheckpointHashWith : CheckpointHashWithout, withState ? CheckpointBytesWith : CheckpointBytesWithout, "
                + "ParameterCount, TrainableParameterCount, key, checkSequence, minimumSequence, out sequence, out message);");
            writer.Line($"if (error != {Error}.None) {{ return error; }}");
            writer.Line("int options;");
            writer.Line($"error = {Format}.ValidatePayloadHead(s, o, {Literals.Int(knownOptions)}, out options, out message);");
            writer.Line($"if (error != {Error}.None) {{ return error; }}");
            for (int k = 0; k < shape.HyperParameters.Count; k++)
            {
                HyperParameter parameter = shape.HyperParameters[k];
                int rule = parameter.Validation switch
                {
                    Validation.Beta => 2,
                    Validation.NonNegative => 1,
                    Validation.Positive => 3,
                    _ => 0,
                };

                // One shared check (CheckpointFormat.CheckHyperParameter), not one written out here: device flash.
                string read = $"{Format}.ReadHyperParameter(s, o, {Literals.Int(k)}, {Literals.Int(rule)}, \"{parameter.Name}\", ref message);";
                bool used = shape.Consistency.Any(check => System.Text.RegularExpressions.Regex.IsMatch(check.Condition, $@"\bv{parameter.Name}\b"));
                writer.Line(used ? $"float v{parameter.Name} = {read}" : read);
            }

            writer.Line($"if (message != null) {{ return {Error}.InvalidValue; }}");

            foreach ((string condition, string text) in shape.Consistency)
            {
                using (writer.OpenBlock($"if ({condition})"))
                {
                    writer.Line($"return {Format}.Invalid(\"{text}\", out message);");
                }
            }

            int arrays = shape.States.Count(state => !state.Optional);
            string floats = $"{ModelFloats(layout)} + {Literals.Int(arrays)} * TrainableParameterCount + (withState ? {Literals.Int(shape.States.Count - arrays)} * TrainableParameterCount : 0)";
            writer.Line($"int index = {Format}.FindNonFinite(s, o + CheckpointFloatsOffset, {floats});");
            using (writer.OpenBlock("if (index >= 0)"))
            {
                writer.Line($"return {Format}.Invalid(\"The checkpoint's \" + DescribeCheckpointFloat(index) + \" is NaN or infinite.\", out message);");
            }

            for (int block = 0; block < shape.States.Count; block++)
            {
                OptimizerState state = shape.States[block];
                if (!state.NonNegative)
                {
                    continue;
                }

                string first = $"{ModelFloats(layout)} + {Literals.Int(block)} * TrainableParameterCount";
                string scan = $"{Format}.FindNegative(s, o + CheckpointFloatsOffset + 4 * ({first}), TrainableParameterCount)";
                writer.Line(state.Optional ? $"index = withState ? {scan} : -1;" : $"index = {scan};");
                using (writer.OpenBlock("if (index >= 0)"))
                {
                    writer.Line($"string value = DescribeCheckpointFloat({first} + index);");
                    writer.Line($"return {Format}.Invalid(\"The checkpoint's \" + value + \" is negative; a second moment cannot be.\", out message);");
                }
            }

            writer.Line($"return {Error}.None;");
        }

        // Commit.
        writer.Line();
        using (writer.OpenBlock($"void {Codec}.Commit(byte[] s, int o)"))
        {
            writer.Line($"bool withState = {present};");
            writer.Line($"StepCount = {Format}.ReadStepCount(s, o);");
            GradientAccumulationEmitter.WriteCommitReset(writer, layout);
            writer.Line($"SkippedStepCount = {Format}.ReadSkippedStepCount(s, o);");
            writer.Line($"int options = {Format}.ReadOptions(s, o);");
            foreach (CheckpointOption option in shape.Options)
            {
                writer.Line(string.Format(option.Assign, $"(options & {Literals.Int(option.Bit)}) != 0"));
            }

            for (int k = 0; k < shape.HyperParameters.Count; k++)
            {
                HyperParameter parameter = shape.HyperParameters[k];
                writer.Line($"{parameter.Field} = {Format}.ReadHyperParameter(s, o, {Literals.Int(k)});");
                writer.Line($"{parameter.DecimalField} = {OptimizerEmitter.HyperParametersClass}.ToDecimal({parameter.Field});");
            }

            WriteFloatBlocks(writer, layout, shape, "ReadSingles", "s");
        }

        WriteDescribe(writer, layout, shape, trainable);
    }

    // int at = o + CheckpointFloatsOffset; <Format>.WriteSingles(d, at, _model.Parameters, ParameterCount); at += 4 * ParameterCount;
    // then the anchor (if the layout has one), then each state array in payload order, the optional one only when withState (the same walk saves and commits).
    private static void WriteFloatBlocks(CodeWriter writer, LayoutSpec layout, OptimizerDefinition shape, string method, string buffer)
    {
        writer.Line("int at = o + CheckpointFloatsOffset;");
        writer.Line($"{Format}.{method}({buffer}, at, _model.Parameters, ParameterCount);");
        writer.Line("at += 4 * ParameterCount;");
        if (AnchorEmitter.HasAnchor(layout))
        {
            writer.Line($"{Format}.{method}({buffer}, at, _model.Anchor, AnchoredParameterCount);");
            writer.Line("at += 4 * AnchoredParameterCount;");
        }

        foreach (OptimizerState state in shape.States)
        {
            string copy = $"{Format}.{method}({buffer}, at, {state.Field}, TrainableParameterCount);";
            if (state.Optional)
            {
                writer.Line($"if (withState) {{ {copy} }}");
            }
            else
            {
                writer.Line(copy);
                writer.Line("at += 4 * TrainableParameterCount;");
            }
        }
    }

    // private static string DescribeCheckpointFloat(int index): "Parameters[17] (tensor W)" or "exp_avg_sq[5]".
    // Names are chosen by conditional expressions and concatenated once: this code is written per
    // optimizer, and a return with its own concatenation per tensor costs the device flash.
    private static void WriteDescribe(CodeWriter writer, LayoutSpec layout, OptimizerDefinition shape, int trainable)
    {
        writer.Line();
        using (writer.OpenBlock("private static string DescribeCheckpointFloat(int index)"))
        {
            using (writer.OpenBlock("if (index < ParameterCount)"))
            {
                writer.Line($"string tensor = {Choose(layout.Tensors.Select(tensor => ($"index < {Literals.Int(tensor.Offset + tensor.Length)}", tensor.Name)).ToList())};");
                writer.Line("return \"Parameters[\" + index.ToString() + \"] (tensor \" + tensor + \")\";");
            }

            if (AnchorEmitter.HasAnchor(layout))
            {
                using (writer.OpenBlock("if (index < ParameterCount + AnchoredParameterCount)"))
                {
                    writer.Line("return \"Anchor[\" + (index - ParameterCount).ToString() + \"]\";");
                }
            }

            writer.Line($"index -= {ModelFloats(layout)};");
            if (shape.States.Count == 1)
            {
                writer.Line($"return \"{shape.States[0].TorchName}[\" + index.ToString() + \"]\";");
                return;
            }

            writer.Line("int block = index / TrainableParameterCount;");
            writer.Line($"string state = {Choose(shape.States.Select((state, block) => ($"block == {Literals.Int(block)}", state.TorchName)).ToList())};");
            writer.Line("return state + \"[\" + (index - (block * TrainableParameterCount)).ToString() + \"]\";");
        }
    }

    /// <summary><c>c0 ? "a" : c1 ? "b" : "c"</c>: the last name needs no condition.</summary>
    private static string Choose(IReadOnlyList<(string Condition, string Name)> options)
    {
        string result = $"\"{options[options.Count - 1].Name}\"";
        for (int k = options.Count - 2; k >= 0; k--)
        {
            result = $"{options[k].Condition} ? \"{options[k].Name}\" : {result}";
        }

        return result;
    }
}

using WeightDecay.Edge.Generators.Model;

namespace WeightDecay.Edge.Generators.Emit;

/// <summary>
/// The desktop's SIMD dense passes, one pair per <see cref="VectorPath"/>: register-blocked kernels over
/// <c>count</c> samples (a matrix-vector product for one, matrix-matrix for a mini-batch), specialised to
/// the layer sizes. Every load and store goes through a <c>ref float</c> (<c>Unsafe.Add</c>), without bounds
/// checks: the buffers are the layout's own arrays, sized by generated code, every index is a constant
/// range inside a row times a sample below <c>count</c>, and the public methods check <c>count</c> and the
/// caller's spans before any pass runs.
/// <list type="bullet">
/// <item>Forward: four samples at a time share each load of a weight row; one vector accumulator per
/// sample along the inputs, summed across lanes once per output, then bias and activation.</item>
/// <item>Backward, per layer: the activation's derivative over the whole block of deltas; bias
/// gradients as column sums; weight gradients <c>dW += weight * Dᵀ X</c> in tiles of four outputs by two
/// vectors of inputs (frozen layers skip both); input deltas <c>dX = D W</c> in tiles of four samples by
/// two vectors of inputs.</item>
/// </list>
/// Inputs not filling a whole vector are done by scalar code at constant indices. Summation order
/// differs from the scalar passes (lanes, fused multiply-adds, a mini-batch summed before it is added to
/// <c>Gradients</c>), so results agree with them to float rounding, not bit for bit.
/// </summary>
internal static class DenseKernelEmitter
{
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string Memory = VectorPath.MemoryMarshal;

    /// <summary>Samples per forward and input-delta tile, and outputs per weight-gradient tile.</summary>
    private const int Rows = 4;

    public static void Emit(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, DenseMath math, VectorPath path)
    {
        var kernel = new Kernel(path);
        WriteForward(writer, layers, math, kernel);
        WriteBackward(writer, layers, kernel);
    }

    // private void DenseForwardKernelVector512(ReadOnlySpan<float> input, int count)
    // {
    //     ref float p = ref MemoryMarshal.GetArrayDataReference(Parameters);
    //     {   // Hidden: 64 -> 32, ReLU
    //         ref float src = ref MemoryMarshal.GetReference(input); ref float dst = ...; ref float w = ...; ref float b = ...;
    //         int s = 0;
    //         for (; s + 4 <= count; s += 4)
    //         {
    //             ref float x0 = ref Unsafe.Add(ref src, s * 64); ... x3
    //             for (int o = 0; o < 32; o++)
    //             {
    //                 ref float wr = ref Unsafe.Add(ref w, o * 64);
    //                 Vector512<float> a0 = Vector512<float>.Zero; ... a3
    //                 for (int i = 0; i < 64; i += 16) { Vector512<float> wv = Load(wr + i); a0 = Fma(wv, Load(x0 + i), a0); ... }
    //                 float y0 = Unsafe.Add(ref b, o) + Vector512.Sum(a0); ... (+ scalar inputs past the last whole vector)
    //                 Unsafe.Add(ref dst, ((s + 0) * 32) + o) = y0 < 0f ? 0f : y0; ...
    //             }
    //         }
    //         for (; s < count; s++) { ...the same for one sample... }
    //     }
    //     ...each following layer reads the previous layer's activations.
    // }
    private static void WriteForward(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, DenseMath math, Kernel kernel)
    {
        writer.Line();
        writer.Line($"// The forward pass on {kernel.Path.Suffix}: see DenseForwardKernel for the arithmetic, here in lanes of {Literals.Int(kernel.Width)}.");
        using (writer.OpenBlock($"private void DenseForwardKernel{kernel.Path.Suffix}({math.VectorType} input, int count)"))
        {
            writer.Line($"ref float p = ref {Memory}.GetArrayDataReference(Parameters);");
            for (int l = 0; l < layers.Count; l++)
            {
                DenseLayerSpec layer = layers[l];
                writer.Line($"// {DensePassEmitter.Describe(layer)}");
                using (writer.OpenBlock())
                {
                    string source = l == 0 ? $"{Memory}.GetReference(input)" : $"{Memory}.GetArrayDataReference({DenseLayerEmitter.Activations(layers[l - 1])})";
                    writer.Line($"ref float src = ref {source};");
                    writer.Line($"ref float dst = ref {Memory}.GetArrayDataReference({DenseLayerEmitter.Activations(layer)});");
                    writer.Line($"ref float w = ref {Unsafe}.Add(ref p, {layer.WeightName}Offset);");
                    writer.Line($"ref float b = ref {Unsafe}.Add(ref p, {layer.BiasName}Offset);");
                    writer.Line("int s = 0;");
                    using (writer.OpenBlock($"for (; s + {Literals.Int(Rows)} <= count; s += {Literals.Int(Rows)})"))
                    {
                        WriteForwardTile(writer, layer, math, kernel, Rows);
                    }

                    using (writer.OpenBlock("for (; s < count; s++)"))
                    {
                        WriteForwardTile(writer, layer, math, kernel, 1);
                    }
                }
            }
        }
    }

    private static void WriteForwardTile(CodeWriter writer, DenseLayerSpec layer, DenseMath math, Kernel kernel, int rows)
    {
        string inputs = Literals.Int(layer.Inputs);
        int vectorEnd = kernel.VectorEnd(layer.Inputs);
        writer.Line($"ref float x0 = ref {Unsafe}.Add(ref src, s * {inputs});");
        for (int k = 1; k < rows; k++)
        {
            writer.Line($"ref float x{k} = ref {Unsafe}.Add(ref x{k - 1}, {inputs});");
        }

        using (writer.OpenBlock($"for (int o = 0; o < {Literals.Int(layer.Outputs)}; o++)"))
        {
            writer.Line($"ref float wr = ref {Unsafe}.Add(ref w, o * {inputs});");
            if (vectorEnd > 0)
            {
                for (int k = 0; k < rows; k++)
                {
                    writer.Line($"{kernel.Type} a{k} = {kernel.Type}.Zero;");
                }

                using (writer.OpenBlock($"for (int i = 0; i < {Literals.Int(vectorEnd)}; i += {Literals.Int(kernel.Width)})"))
                {
                    writer.Line($"{kernel.Type} wv = {kernel.Load("wr", "i")};");
                    for (int k = 0; k < rows; k++)
                    {
                        writer.Line($"a{k} = {kernel.Fma("wv", kernel.Load("x" + k, "i"), "a" + k)};");
                    }
                }
            }

            writer.Line($"float bias = {Unsafe}.Add(ref b, o);");
            for (int k = 0; k < rows; k++)
            {
                writer.Line(vectorEnd > 0 ? $"float y{k} = bias + {kernel.Path.StaticClass}.Sum(a{k});" : $"float y{k} = bias;");
            }

            if (vectorEnd < layer.Inputs)
            {
                using (writer.OpenBlock($"for (int i = {Literals.Int(vectorEnd)}; i < {inputs}; i++)"))
                {
                    writer.Line($"float wi = {Unsafe}.Add(ref wr, i);");
                    for (int k = 0; k < rows; k++)
                    {
                        writer.Line($"y{k} += wi * {Unsafe}.Add(ref x{k}, i);");
                    }
                }
            }

            for (int k = 0; k < rows; k++)
            {
                writer.Line($"{Unsafe}.Add(ref dst, ((s + {Literals.Int(k)}) * {Literals.Int(layer.Outputs)}) + o) = {math.Activate(layer.Activation, "y" + k)};");
            }
        }
    }

    // private void DenseBackwardKernelVector512(ReadOnlySpan<float> input, int count, float weight)
    // {
    //     ...per layer, last first:
    //     for (j over count * Outputs, a vector at a time) { d[j] = d[j] * act'(y[j]); }          // dLoss/dz, in place
    //     for (o over Outputs, a vector at a time) { g[bias + o] += weight * Σ_s d[s, o]; }          // trainable only
    //     for (o in tiles of 4) for (i in tiles of 2 vectors) { acc = Σ_s d[s, o..o+3] x[s, i..]; g[W + o, i] += weight * acc; }
    //     for (s in tiles of 4) for (i in tiles of 2 vectors) { previousDeltas[s, i] = Σ_o d[s, o] W[o, i]; }
    // }
    private static void WriteBackward(CodeWriter writer, EquatableArray<DenseLayerSpec> layers, Kernel kernel)
    {
        writer.Line();
        writer.Line($"// The backward pass on {kernel.Path.Suffix}: see DenseBackwardKernel for the arithmetic, here in lanes of {Literals.Int(kernel.Width)}.");
        using (writer.OpenBlock($"private void DenseBackwardKernel{kernel.Path.Suffix}(global::System.ReadOnlySpan<float> input, int count, float weight)"))
        {
            writer.Line($"ref float p = ref {Memory}.GetArrayDataReference(Parameters);");
            writer.Line($"ref float g = ref {Memory}.GetArrayDataReference(Gradients);");
            writer.Line($"{kernel.Type} weightLanes = {kernel.Path.StaticClass}.Create(weight);");
            for (int l = layers.Count - 1; l >= 0; l--)
            {
                DenseLayerSpec layer = layers[l];
                DenseLayerSpec? previous = l == 0 ? null : layers[l - 1];
                if (!layer.Trainable && previous is null)
                {
                    writer.Line($"// {DensePassEmitter.Describe(layer)}: frozen, and nothing before it to propagate to.");
                    continue;
                }

                writer.Line($"// {DensePassEmitter.Describe(layer)}{(layer.Trainable ? string.Empty : ": frozen, so no weight or bias gradients")}");
                using (writer.OpenBlock())
                {
                    string source = previous is null ? $"{Memory}.GetReference(input)" : $"{Memory}.GetArrayDataReference({DenseLayerEmitter.Activations(previous)})";
                    writer.Line($"ref float d = ref {Memory}.GetArrayDataReference({DenseLayerEmitter.Deltas(layer)});");
                    writer.Line($"ref float src = ref {source};");
                    writer.Line($"ref float w = ref {Unsafe}.Add(ref p, {layer.WeightName}Offset);");
                    WriteActivationDerivative(writer, layer, kernel);
                    if (layer.Trainable)
                    {
                        WriteBiasGradient(writer, layer, kernel);
                        WriteWeightGradient(writer, layer, kernel);
                    }

                    if (previous is not null)
                    {
                        WriteInputDeltas(writer, layer, previous, kernel);
                    }
                }
            }
        }
    }

    private static void WriteActivationDerivative(CodeWriter writer, DenseLayerSpec layer, Kernel kernel)
    {
        if (layer.Activation == DenseActivation.Identity)
        {
            return;
        }

        string vector = layer.Activation switch
        {
            // Selecting on 0 < y (false for NaN) as the scalar derivative does.
            DenseActivation.ReLU => $"{kernel.Path.StaticClass}.ConditionalSelect({kernel.Path.StaticClass}.GreaterThan(yv, {kernel.Type}.Zero), dv, {kernel.Type}.Zero)",
            DenseActivation.Tanh => $"dv * ({kernel.Type}.One - (yv * yv))",
            _ => $"dv * (yv * ({kernel.Type}.One - yv))",
        };
        writer.Line($"ref float y = ref {Memory}.GetArrayDataReference({DenseLayerEmitter.Activations(layer)});");
        writer.Line($"int n = count * {Literals.Int(layer.Outputs)};");
        writer.Line("int j = 0;");
        using (writer.OpenBlock($"for (; j + {Literals.Int(kernel.Width)} <= n; j += {Literals.Int(kernel.Width)})"))
        {
            writer.Line($"{kernel.Type} dv = {kernel.Load("d", "j")};");
            writer.Line($"{kernel.Type} yv = {kernel.Load("y", "j")};");
            writer.Line(kernel.Store(vector, "d", "j"));
        }

        using (writer.OpenBlock("for (; j < n; j++)"))
        {
            writer.Line($"ref float dj = ref {Unsafe}.Add(ref d, j);");
            writer.Line($"dj = {DenseMath.Derivative(layer.Activation, "dj", $"{Unsafe}.Add(ref y, j)")};");
        }
    }

    private static void WriteBiasGradient(CodeWriter writer, DenseLayerSpec layer, Kernel kernel)
    {
        string outputs = Literals.Int(layer.Outputs);
        int vectorEnd = kernel.VectorEnd(layer.Outputs);
        using (writer.OpenBlock())
        {
            writer.Line($"ref float gb = ref {Unsafe}.Add(ref g, {layer.BiasName}Offset);");
            if (vectorEnd > 0)
            {
                using (writer.OpenBlock($"for (int o = 0; o < {Literals.Int(vectorEnd)}; o += {Literals.Int(kernel.Width)})"))
                {
                    writer.Line($"{kernel.Type} acc = {kernel.Type}.Zero;");
                    using (writer.OpenBlock("for (int s = 0; s < count; s++)"))
                    {
                        writer.Line($"acc += {kernel.Load("d", $"(s * {outputs}) + o")};");
                    }

                    writer.Line(kernel.Store(kernel.Fma("weightLanes", "acc", kernel.Load("gb", "o")), "gb", "o"));
                }
            }

            if (vectorEnd < layer.Outputs)
            {
                using (writer.OpenBlock($"for (int o = {Literals.Int(vectorEnd)}; o < {outputs}; o++)"))
                {
                    writer.Line("float acc = 0f;");
                    using (writer.OpenBlock("for (int s = 0; s < count; s++)"))
                    {
                        writer.Line($"acc += {Unsafe}.Add(ref d, (s * {outputs}) + o);");
                    }

                    writer.Line($"{Unsafe}.Add(ref gb, o) += weight * acc;");
                }
            }
        }
    }

    private static void WriteWeightGradient(CodeWriter writer, DenseLayerSpec layer, Kernel kernel)
    {
        int blocked = layer.Outputs - (layer.Outputs % Rows);
        using (writer.OpenBlock())
        {
            writer.Line($"ref float gw = ref {Unsafe}.Add(ref g, {layer.WeightName}Offset);");
            if (blocked > 0)
            {
                using (writer.OpenBlock($"for (int o = 0; o < {Literals.Int(blocked)}; o += {Literals.Int(Rows)})"))
                {
                    WriteWeightGradientRow(writer, layer, kernel, Rows);
                }
            }

            if (blocked < layer.Outputs)
            {
                using (writer.OpenBlock($"for (int o = {Literals.Int(blocked)}; o < {Literals.Int(layer.Outputs)}; o++)"))
                {
                    WriteWeightGradientRow(writer, layer, kernel, 1);
                }
            }
        }
    }

    // Outputs o .. o + outputs - 1 of the weight gradient, across all inputs.
    private static void WriteWeightGradientRow(CodeWriter writer, DenseLayerSpec layer, Kernel kernel, int outputs)
    {
        string inputs = Literals.Int(layer.Inputs);
        string outputCount = Literals.Int(layer.Outputs);
        foreach ((int start, int end, int vectors) in kernel.Panels(layer.Inputs))
        {
            using (kernel.OpenPanel(writer, start, end, vectors))
            {
                for (int k = 0; k < outputs; k++)
                {
                    for (int v = 0; v < vectors; v++)
                    {
                        writer.Line($"{kernel.Type} a{k}{v} = {kernel.Type}.Zero;");
                    }
                }

                using (writer.OpenBlock("for (int s = 0; s < count; s++)"))
                {
                    writer.Line($"ref float xs = ref {Unsafe}.Add(ref src, (s * {inputs}) + i);");
                    writer.Line($"ref float ds = ref {Unsafe}.Add(ref d, (s * {outputCount}) + o);");
                    for (int v = 0; v < vectors; v++)
                    {
                        writer.Line($"{kernel.Type} x{v} = {kernel.Load("xs", Literals.Int(v * kernel.Width))};");
                    }

                    for (int k = 0; k < outputs; k++)
                    {
                        writer.Line($"{kernel.Type} d{k} = {kernel.Path.StaticClass}.Create({kernel.Element("ds", k)});");
                        for (int v = 0; v < vectors; v++)
                        {
                            writer.Line($"a{k}{v} = {kernel.Fma("d" + k, "x" + v, $"a{k}{v}")};");
                        }
                    }
                }

                for (int k = 0; k < outputs; k++)
                {
                    writer.Line($"ref float g{k} = ref {Unsafe}.Add(ref gw, ((o + {Literals.Int(k)}) * {inputs}) + i);");
                    for (int v = 0; v < vectors; v++)
                    {
                        string offset = Literals.Int(v * kernel.Width);
                        writer.Line(kernel.Store(kernel.Fma("weightLanes", $"a{k}{v}", kernel.Load("g" + k, offset)), "g" + k, offset));
                    }
                }
            }
        }

        int vectorEnd = kernel.VectorEnd(layer.Inputs);
        if (vectorEnd < layer.Inputs)
        {
            using (writer.OpenBlock($"for (int i = {Literals.Int(vectorEnd)}; i < {inputs}; i++)"))
            {
                for (int k = 0; k < outputs; k++)
                {
                    writer.Line($"float a{k} = 0f;");
                }

                using (writer.OpenBlock("for (int s = 0; s < count; s++)"))
                {
                    writer.Line($"float xi = {Unsafe}.Add(ref src, (s * {inputs}) + i);");
                    writer.Line($"ref float ds = ref {Unsafe}.Add(ref d, (s * {outputCount}) + o);");
                    for (int k = 0; k < outputs; k++)
                    {
                        writer.Line($"a{k} += {kernel.Element("ds", k)} * xi;");
                    }
                }

                for (int k = 0; k < outputs; k++)
                {
                    writer.Line($"{Unsafe}.Add(ref gw, ((o + {Literals.Int(k)}) * {inputs}) + i) += weight * a{k};");
                }
            }
        }
    }

    private static void WriteInputDeltas(CodeWriter writer, DenseLayerSpec layer, DenseLayerSpec previous, Kernel kernel)
    {
        writer.Line($"// dLoss/d({previous.Name} outputs) = D W, written over {DenseLayerEmitter.Deltas(previous)}.");
        using (writer.OpenBlock())
        {
            writer.Line($"ref float pd = ref {Memory}.GetArrayDataReference({DenseLayerEmitter.Deltas(previous)});");
            writer.Line("int s = 0;");
            using (writer.OpenBlock($"for (; s + {Literals.Int(Rows)} <= count; s += {Literals.Int(Rows)})"))
            {
                WriteInputDeltaRows(writer, layer, kernel, Rows);
            }

            using (writer.OpenBlock("for (; s < count; s++)"))
            {
                WriteInputDeltaRows(writer, layer, kernel, 1);
            }
        }
    }

    // Samples s .. s + rows - 1 of the input deltas, across all inputs.
    private static void WriteInputDeltaRows(CodeWriter writer, DenseLayerSpec layer, Kernel kernel, int rows)
    {
        string inputs = Literals.Int(layer.Inputs);
        string outputs = Literals.Int(layer.Outputs);
        writer.Line($"ref float ds = ref {Unsafe}.Add(ref d, s * {outputs});");
        foreach ((int start, int end, int vectors) in kernel.Panels(layer.Inputs))
        {
            using (kernel.OpenPanel(writer, start, end, vectors))
            {
                for (int k = 0; k < rows; k++)
                {
                    for (int v = 0; v < vectors; v++)
                    {
                        writer.Line($"{kernel.Type} a{k}{v} = {kernel.Type}.Zero;");
                    }
                }

                using (writer.OpenBlock($"for (int o = 0; o < {outputs}; o++)"))
                {
                    writer.Line($"ref float wr = ref {Unsafe}.Add(ref w, (o * {inputs}) + i);");
                    for (int v = 0; v < vectors; v++)
                    {
                        writer.Line($"{kernel.Type} w{v} = {kernel.Load("wr", Literals.Int(v * kernel.Width))};");
                    }

                    for (int k = 0; k < rows; k++)
                    {
                        string index = k == 0 ? "o" : $"{Literals.Int(k * layer.Outputs)} + o";
                        writer.Line($"{kernel.Type} d{k} = {kernel.Path.StaticClass}.Create({Unsafe}.Add(ref ds, {index}));");
                        for (int v = 0; v < vectors; v++)
                        {
                            writer.Line($"a{k}{v} = {kernel.Fma("d" + k, "w" + v, $"a{k}{v}")};");
                        }
                    }
                }

                for (int k = 0; k < rows; k++)
                {
                    writer.Line($"ref float q{k} = ref {Unsafe}.Add(ref pd, ((s + {Literals.Int(k)}) * {inputs}) + i);");
                    for (int v = 0; v < vectors; v++)
                    {
                        writer.Line(kernel.Store($"a{k}{v}", "q" + k, Literals.Int(v * kernel.Width)));
                    }
                }
            }
        }

        int vectorEnd = kernel.VectorEnd(layer.Inputs);
        if (vectorEnd < layer.Inputs)
        {
            using (writer.OpenBlock($"for (int i = {Literals.Int(vectorEnd)}; i < {inputs}; i++)"))
            {
                for (int k = 0; k < rows; k++)
                {
                    writer.Line($"float a{k} = 0f;");
                }

                using (writer.OpenBlock($"for (int o = 0; o < {outputs}; o++)"))
                {
                    writer.Line($"float wi = {Unsafe}.Add(ref w, (o * {inputs}) + i);");
                    for (int k = 0; k < rows; k++)
                    {
                        string index = k == 0 ? "o" : $"{Literals.Int(k * layer.Outputs)} + o";
                        writer.Line($"a{k} += {Unsafe}.Add(ref ds, {index}) * wi;");
                    }
                }

                for (int k = 0; k < rows; k++)
                {
                    writer.Line($"{Unsafe}.Add(ref pd, ((s + {Literals.Int(k)}) * {inputs}) + i) = a{k};");
                }
            }
        }
    }

    /// <summary>The strings one SIMD path spells its operations with.</summary>
    private sealed class Kernel
    {
        public Kernel(VectorPath path) => Path = path;

        public VectorPath Path { get; }

        public int Width => Path.Width;

        public string Type => Path.VectorType;

        /// <summary>The end of the last whole vector in a row of <paramref name="size"/> floats.</summary>
        public int VectorEnd(int size) => size - (size % Width);

        /// <summary>
        /// Ranges of a row covered by tiles of two vectors (a loop), then one vector (once, when the count of
        /// whole vectors is odd): (start, end, vectors per tile). A one-vector range is written without a loop,
        /// as a block where <c>i</c> is declared at its start.
        /// </summary>
        public System.Collections.Generic.IEnumerable<(int Start, int End, int Vectors)> Panels(int size)
        {
            int vectorEnd = VectorEnd(size);
            int pairs = vectorEnd - (vectorEnd % (2 * Width));
            if (pairs > 0)
            {
                yield return (0, pairs, 2);
            }

            if (pairs < vectorEnd)
            {
                yield return (pairs, vectorEnd, 1);
            }
        }

        /// <summary>A loop over a two-vector range, or a block declaring <c>i</c> for the single vector.</summary>
        public CodeWriter.Block OpenPanel(CodeWriter writer, int start, int end, int vectors)
        {
            if (vectors == 2)
            {
                return writer.OpenBlock($"for (int i = {Literals.Int(start)}; i < {Literals.Int(end)}; i += {Literals.Int(2 * Width)})");
            }

            CodeWriter.Block block = writer.OpenBlock();
            writer.Line($"int i = {Literals.Int(start)};");
            return block;
        }

        public string Load(string reference, string index) => index == "0"
            ? $"{Path.StaticClass}.LoadUnsafe(ref {reference})"
            : $"{Path.StaticClass}.LoadUnsafe(ref {Unsafe}.Add(ref {reference}, {index}))";

        public string Store(string value, string reference, string index) => index == "0"
            ? $"{Path.StaticClass}.StoreUnsafe({value}, ref {reference});"
            : $"{Path.StaticClass}.StoreUnsafe({value}, ref {Unsafe}.Add(ref {reference}, {index}));";

        public string Fma(string a, string b, string c) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Path.FusedMultiplyAdd, a, b, c);

        /// <summary>Element <paramref name="k"/> after <paramref name="reference"/>.</summary>
        public string Element(string reference, int k) => k == 0 ? reference : $"{Unsafe}.Add(ref {reference}, {Literals.Int(k)})";
    }
}

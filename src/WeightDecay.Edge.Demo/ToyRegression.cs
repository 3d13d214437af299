using WeightDecay.Edge;

namespace WeightDecay.Edge.Demo;

/// <summary>A linear model y = W·x + B: eight weights that are decayed and a bias that is not.</summary>
[ModelLayout]
[Tensor("W", 8)]
[Tensor("B", 1, Decay = false)]
[Sgd, Adam, AdamW]
public partial class ToyRegression
{
    /// <summary>The model's prediction for one input row.</summary>
    public float Predict(ReadOnlySpan<float> x)
    {
        Span<float> w = W;
        float y = B[0];
        for (int i = 0; i < WLength; i++)
        {
            y += w[i] * x[i];
        }

        return y;
    }

    /// <summary>Mean squared error over the batch, accumulating its gradient into <see cref="Gradients"/>.</summary>
    public float LossAndGradient(float[,] inputs, float[] targets)
    {
        ZeroGrad();
        Span<float> gw = WGradient;
        Span<float> gb = BGradient;
        int rows = targets.Length;
        float loss = 0f;
        Span<float> row = stackalloc float[WLength];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < WLength; c++)
            {
                row[c] = inputs[r, c];
            }

            float error = Predict(row) - targets[r];
            loss += error * error / rows;
            float scale = 2f * error / rows;
            for (int c = 0; c < WLength; c++)
            {
                gw[c] += scale * row[c];
            }

            gb[0] += scale;
        }

        return loss;
    }
}

using System;

namespace WeightDecay.Edge.Tests.Reference;

/// <summary>
/// The post-update regularisers in double, written from their published formulas, sharing no code with the generator:
/// <code>
/// proximal L1 (soft thresholding, the proximal operator of t·‖w‖₁):  w = sign(w)·max(|w| − t, 0),  t = lr·λ₁
/// max-norm of each row (torch.renorm, Keras MaxNorm):                 w_row = w_row·c / (‖w_row‖₂ + 1e-7)  if ‖w_row‖₂ &gt; c
/// </code>
/// </summary>
internal static class ReferenceConstraints
{
    public static void ProximalL1(double[] p, int start, int length, double threshold)
    {
        for (int i = start; i < start + length; i++)
        {
            p[i] = Math.Sign(p[i]) * Math.Max(Math.Abs(p[i]) - threshold, 0.0);
        }
    }

    public static void RenormRows(double[] p, int start, int rows, int rowLength, double maxNorm)
    {
        for (int row = 0; row < rows; row++)
        {
            int first = start + (row * rowLength);
            double squares = 0.0;
            for (int i = first; i < first + rowLength; i++)
            {
                squares += p[i] * p[i];
            }

            double norm = Math.Sqrt(squares);
            if (norm > maxNorm)
            {
                for (int i = first; i < first + rowLength; i++)
                {
                    p[i] *= maxNorm / (norm + 1e-7);
                }
            }
        }
    }
}

namespace WeightDecay.Edge.Demo;

/// <summary>The fine-tuning task's view of a digit: the 8x8 image moved by whole pixels, zeros shifted in.</summary>
internal static class DigitShift
{
    /// <summary>Image side, in pixels.</summary>
    public const int Side = 8;

    /// <summary>
    /// <paramref name="digit"/> moved <paramref name="dx"/> pixels right and <paramref name="dy"/> pixels down
    /// (negative: left, up); pixels moved off the image are lost, the label is kept.
    /// </summary>
    public static Digit Shift(Digit digit, int dx, int dy)
    {
        ArgumentNullException.ThrowIfNull(digit);
        var pixels = new float[DigitsData.PixelCount];
        for (int row = 0; row < Side; row++)
        {
            for (int column = 0; column < Side; column++)
            {
                int fromRow = row - dy, fromColumn = column - dx;
                if (fromRow is >= 0 and < Side && fromColumn is >= 0 and < Side)
                {
                    pixels[(row * Side) + column] = digit.Pixels[(fromRow * Side) + fromColumn];
                }
            }
        }

        return new Digit(pixels, digit.Label);
    }
}

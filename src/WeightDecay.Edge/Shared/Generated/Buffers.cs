#nullable disable

namespace WeightDecay.Edge.Generated
{
    /// <summary>Checks on buffers handed to generated code, made before anything is written.</summary>
    public static class Buffers
    {
        /// <summary>Throws unless <paramref name="buffer"/> is non-null and has exactly <paramref name="length"/> elements.</summary>
        public static void RequireLength(float[] buffer, int length, string name)
        {
            if (buffer == null)
            {
                throw new global::System.ArgumentNullException(name);
            }

            RequireLength(buffer.Length, length, name);
        }

        /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="length"/>.</summary>
        public static void RequireLength(int actual, int length, string name)
        {
            if (actual != length)
            {
                throw new global::System.ArgumentException(
                    name + " has " + actual.ToString() + " elements, but this layout has " + length.ToString()
                        + " parameters; nothing was copied.",
                    name);
            }
        }

        /// <summary>Throws unless every value of <paramref name="buffer"/> is finite (neither NaN nor infinite).</summary>
        public static void RequireFinite(float[] buffer, string name)
        {
            for (int i = 0; i < buffer.Length; i++)
            {
                float x = buffer[i];
                if (float.IsNaN(x) || float.IsInfinity(x))
                {
                    throw new global::System.ArgumentException(
                        name + "[" + i.ToString() + "] is NaN or infinite; nothing was copied.", name);
                }
            }
        }

        /// <summary>Throws unless <paramref name="vector"/> is non-null and has exactly <paramref name="size"/> elements.</summary>
        public static void RequireSize(float[] vector, int size, string name)
        {
            if (vector == null)
            {
                throw new global::System.ArgumentNullException(name);
            }

            RequireSize(vector.Length, size, name);
        }

        /// <summary>Throws unless a vector's length <paramref name="actual"/> equals <paramref name="size"/>.</summary>
        public static void RequireSize(int actual, int size, string name)
        {
            if (actual != size)
            {
                throw new global::System.ArgumentException(
                    name + " has " + actual.ToString() + " elements, but must have exactly " + size.ToString() + "; nothing was written.",
                    name);
            }
        }

        /// <summary>Throws unless 0 &lt;= <paramref name="label"/> &lt; <paramref name="classes"/>.</summary>
        public static void RequireLabel(int label, int classes, string name)
        {
            if (label < 0 || label >= classes)
            {
                throw new global::System.ArgumentOutOfRangeException(
                    name, name + " must be in [0, " + classes.ToString() + "), but was " + label.ToString() + "; nothing was written.");
            }
        }
    
        /// <summary>
        /// Throws unless <paramref name="batchSize"/> is at least 1 and <paramref name="actual"/> (a span's length) is
        /// exactly <paramref name="batchSize"/> rows of <paramref name="rowSize"/> values.
        /// </summary>
        public static void RequireRows(int actual, int batchSize, int rowSize, string name)
        {
            if (batchSize < 1)
            {
                throw new global::System.ArgumentOutOfRangeException(
                    "batchSize", "batchSize must be at least 1, but was " + batchSize.ToString() + "; nothing was written.");
            }

            if (actual != (long)batchSize * rowSize)
            {
                throw new global::System.ArgumentException(
                    name + " has " + actual.ToString() + " elements, but must have exactly " + batchSize.ToString() + " rows of "
                        + rowSize.ToString() + "; nothing was written.",
                    name);
            }
        }

        /// <summary>
        /// Throws unless <paramref name="array"/> is non-null, <paramref name="firstSample"/> is not negative,
        /// <paramref name="batchSize"/> is at least 1, and rows <paramref name="firstSample"/> to
        /// <paramref name="firstSample"/> + <paramref name="batchSize"/> - 1 of <paramref name="rowSize"/> values lie inside it.
        /// </summary>
        public static void RequireRows(float[] array, int firstSample, int batchSize, int rowSize, string name)
        {
            if (array == null)
            {
                throw new global::System.ArgumentNullException(name);
            }

            RequireRange(array.Length, firstSample, batchSize, rowSize, name);
        }

        /// <summary>
        /// Throws unless <paramref name="labels"/> is non-null, holds samples <paramref name="firstSample"/> to
        /// <paramref name="firstSample"/> + <paramref name="batchSize"/> - 1, and each of those is in [0, <paramref name="classes"/>).
        /// </summary>
        public static void RequireLabels(int[] labels, int firstSample, int batchSize, int classes, string name)
        {
            if (labels == null)
            {
                throw new global::System.ArgumentNullException(name);
            }

            RequireRange(labels.Length, firstSample, batchSize, 1, name);
            for (int s = firstSample; s < firstSample + batchSize; s++)
            {
                RequireLabel(labels[s], classes, name);
            }
        }

        private static void RequireRange(int length, int firstSample, int batchSize, int rowSize, string name)
        {
            if (firstSample < 0)
            {
                throw new global::System.ArgumentOutOfRangeException(
                    "firstSample", "firstSample must not be negative, but was " + firstSample.ToString() + "; nothing was written.");
            }

            if (batchSize < 1)
            {
                throw new global::System.ArgumentOutOfRangeException(
                    "batchSize", "batchSize must be at least 1, but was " + batchSize.ToString() + "; nothing was written.");
            }

            if (((long)firstSample + batchSize) * rowSize > length)
            {
                throw new global::System.ArgumentException(
                    name + " has " + length.ToString() + " elements, fewer than samples " + firstSample.ToString() + " to "
                        + ((long)firstSample + batchSize - 1).ToString()
                    + " of " + rowSize.ToString() + " need; nothing was written.",
                    name);
            }
        }
    }
}

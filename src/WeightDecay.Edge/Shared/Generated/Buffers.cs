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
                    name + " has " + actual.ToString() + " elements, but this layout has " + length.ToString() + " parameters; nothing was copied.",
                    name);
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
    }
}

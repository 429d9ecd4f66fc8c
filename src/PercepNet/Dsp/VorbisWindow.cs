namespace PercepNet.Dsp;

/// <summary>
/// The power-complementary Vorbis window of DESIGN §1, w(n) = sin(π/2 · sin²(π(n + ½)/N)), used for both
/// analysis and synthesis: w(n)² + w(n + N/2)² = 1, so windowed overlap-add at hop N/2 reconstructs exactly.
/// </summary>
internal static class VorbisWindow
{
    private static readonly float[] Coefficients960 = Create(FrameLayout.WindowSize);

    /// <summary>The 960-sample window.</summary>
    public static ReadOnlySpan<float> Frame => Coefficients960;

    public static float[] Create(int length)
    {
        var w = new float[length];
        for (int n = 0; n < length; n++)
        {
            double s = Math.Sin(Math.PI * (n + 0.5) / length);
            w[n] = (float)Math.Sin(0.5 * Math.PI * s * s);
        }

        return w;
    }

    /// <summary>output(n) = input(n)·w(n).</summary>
    public static void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        ReadOnlySpan<float> w = Coefficients960;
        Guard.Length(input.Length, w.Length, "window input");
        Guard.Length(output.Length, w.Length, "window output");

        for (int n = 0; n < w.Length; n++)
        {
            output[n] = input[n] * w[n];
        }
    }
}

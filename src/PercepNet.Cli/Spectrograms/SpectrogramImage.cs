namespace PercepNet.Cli.Spectrograms;

/// <summary>
/// Noisy and denoised spectrograms side by side in one PNG: linear frequency from 0 Hz (bottom) to half the sample
/// rate (top), time left to right, both panels on one dB scale (80 dB below the louder panel's peak), a magma-like
/// colour map, the panels' names above them.
/// </summary>
internal static class SpectrogramImage
{
    private const float RangeDb = 80;
    private const int Gap = 12;
    private const int Header = 26;

    // Control points of the colour map, dark (quiet) to bright (loud).
    private static readonly (float At, byte R, byte G, byte B)[] ColourMap =
    [
        (0.00f, 0, 0, 4), (0.25f, 80, 18, 123), (0.50f, 182, 54, 121), (0.75f, 251, 136, 97), (1.00f, 252, 253, 191),
    ];

    public static void Write(string path, SpectrogramAccumulator noisy, SpectrogramAccumulator denoised)
    {
        int columns = Math.Max(noisy.Columns, denoised.Columns);
        int bins = noisy.Bins;
        int width = (2 * columns) + Gap;
        int height = bins + Header;
        float peak = Math.Max(Peak(noisy), Peak(denoised));
        float top = 10 * MathF.Log10(peak + 1e-20f);
        var image = new PngImage(width, height, (255, 255, 255));
        Paint(image, noisy, 0, top);
        Paint(image, denoised, columns + Gap, top);
        image.DrawText("noisy", 4, 6, (0, 0, 0));
        image.DrawText("denoised", columns + Gap + 4, 6, (0, 0, 0));
        image.Save(path);
    }

    private static float Peak(SpectrogramAccumulator spectrogram)
    {
        float peak = 0;
        for (int c = 0; c < spectrogram.Columns; c++)
        {
            foreach (float p in spectrogram.Column(c))
            {
                peak = Math.Max(peak, p);
            }
        }

        return peak;
    }

    private static void Paint(PngImage image, SpectrogramAccumulator spectrogram, int left, float topDb)
    {
        int bins = spectrogram.Bins;
        for (int c = 0; c < spectrogram.Columns; c++)
        {
            ReadOnlySpan<float> column = spectrogram.Column(c);
            for (int k = 0; k < bins; k++)
            {
                float db = (10 * MathF.Log10(column[k] + 1e-20f)) - topDb;
                float level = Math.Clamp(1 + (db / RangeDb), 0, 1);
                image.SetPixel(left + c, Header + (bins - 1 - k), Colour(level));
            }
        }
    }

    private static (byte R, byte G, byte B) Colour(float level)
    {
        for (int i = 1; i < ColourMap.Length; i++)
        {
            var (at, r, g, b) = ColourMap[i];
            if (level <= at)
            {
                var (at0, r0, g0, b0) = ColourMap[i - 1];
                float t = (level - at0) / (at - at0);
                return ((byte)(r0 + (t * (r - r0))), (byte)(g0 + (t * (g - g0))), (byte)(b0 + (t * (b - b0))));
            }
        }

        var last = ColourMap[^1];
        return (last.R, last.G, last.B);
    }
}

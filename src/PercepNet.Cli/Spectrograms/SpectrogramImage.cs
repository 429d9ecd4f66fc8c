using System.Globalization;

namespace PercepNet.Cli.Spectrograms;

/// <summary>
/// Noisy and denoised spectrograms side by side in one PNG: a title, each panel with its name, a frequency axis in
/// kHz (0 Hz at the bottom to half the sample rate at the top, linear) and a time axis in seconds; both panels on one
/// dB scale (0 dB = the louder panel's peak, down to −80 dB), with the colour bar of that scale on the right.
/// </summary>
internal static class SpectrogramImage
{
    public const float RangeDb = 80;
    private const int Scale = 2;                // pixels per dot of the built-in font
    private const int TextHeight = 7 * Scale;
    private const int Gap = 64;                 // between the panels: room for the right panel's frequency labels
    private const int Left = 64;
    private const int Top = 12 + TextHeight + 10 + TextHeight + 8;
    private const int Bottom = 10 + TextHeight + 8 + TextHeight + 6;
    private const int BarWidth = 16;
    private const int Right = 20 + BarWidth + 8 + (4 * 6 * Scale) + 10;

    private static readonly (byte R, byte G, byte B) Ink = (0, 0, 0);
    private static readonly (byte R, byte G, byte B) Paper = (255, 255, 255);

    // Control points of the colour map, dark (quiet) to bright (loud).
    private static readonly (float At, byte R, byte G, byte B)[] ColourMap =
    [
        (0.00f, 0, 0, 4), (0.25f, 80, 18, 123), (0.50f, 182, 54, 121), (0.75f, 251, 136, 97), (1.00f, 252, 253, 191),
    ];

    /// <summary>Where the two panels are in a picture of <paramref name="columns"/> columns and <paramref name="bins"/> rows.</summary>
    public static (int Width, int Height, int NoisyLeft, int DenoisedLeft, int PanelTop) Layout(int columns, int bins) =>
        ((2 * columns) + Left + Gap + Right, Top + bins + Bottom, Left, Left + columns + Gap, Top);

    public static void Write(string path, SpectrogramAccumulator noisy, SpectrogramAccumulator denoised, string title)
    {
        int columns = Math.Max(1, Math.Max(noisy.Columns, denoised.Columns));
        int bins = noisy.Bins;
        (int width, int height, int noisyLeft, int denoisedLeft, int top) = Layout(columns, bins);
        float peak = Math.Max(Peak(noisy), Peak(denoised));
        float topDb = 10 * MathF.Log10(peak + 1e-20f);
        var image = new PngImage(width, height, Paper);
        image.DrawText(title, Left, 12, Ink, Scale);
        double secondsPerColumn = noisy.FramesPerColumn * (double)SpectrogramAccumulator.Hop / noisy.SampleRate;
        foreach ((SpectrogramAccumulator panel, int left, string name) in new[] { (noisy, noisyLeft, "noisy"), (denoised, denoisedLeft, "denoised") })
        {
            image.DrawText(name, left, top - TextHeight - 8, Ink, Scale);
            Paint(image, panel, left, top, topDb);
            FrequencyAxis(image, left, top, bins, noisy.SampleRate);
            TimeAxis(image, left, top + bins, columns, secondsPerColumn);
        }

        ColourBar(image, denoisedLeft + columns + 20, top, bins);
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

    private static void Paint(PngImage image, SpectrogramAccumulator spectrogram, int left, int top, float topDb)
    {
        int bins = spectrogram.Bins;
        for (int c = 0; c < spectrogram.Columns; c++)
        {
            ReadOnlySpan<float> column = spectrogram.Column(c);
            for (int k = 0; k < bins; k++)
            {
                float db = (10 * MathF.Log10(column[k] + 1e-20f)) - topDb;
                image.SetPixel(left + c, top + (bins - 1 - k), Colour(Math.Clamp(1 + (db / RangeDb), 0, 1)));
            }
        }
    }

    /// <summary>Ticks and labels in kHz on the left of a panel, every 2, 4 or 5 kHz depending on the range.</summary>
    private static void FrequencyAxis(PngImage image, int left, int top, int bins, int sampleRate)
    {
        double nyquistKhz = sampleRate / 2000.0;
        double step = nyquistKhz > 16 ? 4 : nyquistKhz > 8 ? 2 : 1;
        image.FillRectangle(left - 1, top, 1, bins, Ink);
        for (double khz = 0; khz <= nyquistKhz + 1e-9; khz += step)
        {
            int y = top + bins - 1 - (int)Math.Round(khz / nyquistKhz * (bins - 1));
            image.FillRectangle(left - 6, y, 5, 1, Ink);
            string label = khz.ToString("0", CultureInfo.InvariantCulture);
            image.DrawText(label, left - 8 - TextWidth(label), y - (TextHeight / 2), Ink, Scale);
        }

        image.DrawText("kHz", left - 8 - TextWidth("kHz"), top - TextHeight - 8, Ink, Scale);
    }

    /// <summary>Ticks and labels in seconds under a panel, at a round step that leaves room for the labels.</summary>
    private static void TimeAxis(PngImage image, int left, int y, int columns, double secondsPerColumn)
    {
        double seconds = columns * secondsPerColumn;
        double step = new[] { 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600 }
            .FirstOrDefault(s => s / secondsPerColumn >= 60, 7200);
        image.FillRectangle(left, y, columns, 1, Ink);
        for (double t = 0; t <= seconds + 1e-9; t += step)
        {
            int x = left + (int)Math.Round(t / secondsPerColumn);
            image.FillRectangle(x, y + 1, 1, 5, Ink);
            string label = t.ToString(step < 1 ? "0.0" : "0", CultureInfo.InvariantCulture);
            image.DrawText(label, x - (TextWidth(label) / 2), y + 10, Ink, Scale);
        }

        image.DrawText("time (s)", left + (columns / 2) - (TextWidth("time (s)") / 2), y + 10 + TextHeight + 8, Ink, Scale);
    }

    /// <summary>The colour scale: 0 dB (the peak) at the top to −80 dB at the bottom, labelled every 20 dB.</summary>
    private static void ColourBar(PngImage image, int left, int top, int height)
    {
        for (int y = 0; y < height; y++)
        {
            image.FillRectangle(left, top + y, BarWidth, 1, Colour(1 - (y / (float)(height - 1))));
        }

        for (int db = 0; db <= RangeDb; db += 20)
        {
            int y = top + (int)Math.Round(db / RangeDb * (height - 1));
            image.FillRectangle(left + BarWidth, y, 4, 1, Ink);
            image.DrawText(db == 0 ? "0" : $"-{db}", left + BarWidth + 8, y - (TextHeight / 2), Ink, Scale);
        }

        image.DrawText("dB", left, top - (2 * TextHeight) - 4, Ink, Scale);
    }

    private static int TextWidth(string text) => text.Length * (PixelFont.Width + 1) * Scale;

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

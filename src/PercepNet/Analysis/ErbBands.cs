using PercepNet.Dsp;

namespace PercepNet.Analysis;

/// <summary>
/// The 34 triangular, 50 %-overlapping ERB bands of DESIGN §2 over the 481 bins of a 960-point spectrum.
/// Bin k between centres c_b and c_(b+1), with φ = (k − c_b)/(c_(b+1) − c_b), weighs (1 − φ) in band b and φ in
/// band b + 1, so the weights of every bin up to 20 kHz sum to one. Bins above 20 kHz belong to no band
/// for energies and take the last band's gain when gains are interpolated.
/// </summary>
internal static class ErbBands
{
    public const int Count = 34;

    private static readonly int[] CentreBins =
    [
        0, 2, 4, 6, 8, 10, 12, 15, 18, 21, 24, 28, 32, 36, 41, 47, 53, 60, 68, 77, 87, 98, 110, 124, 140, 157,
        176, 198, 223, 251, 282, 317, 356, 400,
    ];

    /// <summary>Band centres in 50-Hz bins (the ERB layout of RNNoise 0.2).</summary>
    public static ReadOnlySpan<int> Centres => CentreBins;

    /// <summary>Centre of band <paramref name="band"/> in Hz.</summary>
    public static double CentreHz(int band) => CentreBins[band] * (double)FrameLayout.SampleRate / FrameLayout.WindowSize;

    /// <summary>Last bin that belongs to a band (20 kHz).</summary>
    public const int LastBandBin = 400;

    /// <summary>Weight of bin k in band b (for tests and documentation; the kernels below are faster).</summary>
    public static float Weight(int band, int bin)
    {
        ReadOnlySpan<int> c = Centres;
        if (bin > LastBandBin)
        {
            return 0f;
        }

        if (band > 0 && bin >= c[band - 1] && bin < c[band])
        {
            return (float)(bin - c[band - 1]) / (c[band] - c[band - 1]);
        }

        if (bin == c[band])
        {
            return 1f;
        }

        if (band < Count - 1 && bin > c[band] && bin < c[band + 1])
        {
            return 1f - ((float)(bin - c[band]) / (c[band + 1] - c[band]));
        }

        return 0f;
    }

    /// <summary>E_b = Σ_k w_b(k)|X(k)|².</summary>
    public static void Energies(ReadOnlySpan<ComplexF> spectrum, Span<float> energies)
    {
        Check(spectrum.Length, energies.Length);
        ReadOnlySpan<int> c = Centres;
        energies.Clear();
        for (int b = 0; b < Count - 1; b++)
        {
            int width = c[b + 1] - c[b];
            float inv = 1f / width;
            float lo = 0f, hi = 0f;
            for (int j = 0; j < width; j++)
            {
                float phi = j * inv;
                float e = spectrum[c[b] + j].MagnitudeSquared;
                lo += (1f - phi) * e;
                hi += phi * e;
            }

            energies[b] += lo;
            energies[b + 1] += hi;
        }

        energies[Count - 1] += spectrum[LastBandBin].MagnitudeSquared;
    }

    /// <summary>Cross-energy Σ_k w_b(k)·Re{X(k)·P*(k)}.</summary>
    public static void CrossEnergies(ReadOnlySpan<ComplexF> x, ReadOnlySpan<ComplexF> p, Span<float> cross)
    {
        Check(x.Length, cross.Length);
        Check(p.Length, cross.Length);
        ReadOnlySpan<int> c = Centres;
        cross.Clear();
        for (int b = 0; b < Count - 1; b++)
        {
            int width = c[b + 1] - c[b];
            float inv = 1f / width;
            float lo = 0f, hi = 0f;
            for (int j = 0; j < width; j++)
            {
                float phi = j * inv;
                ComplexF a = x[c[b] + j];
                ComplexF q = p[c[b] + j];
                float e = (a.Re * q.Re) + (a.Im * q.Im);
                lo += (1f - phi) * e;
                hi += phi * e;
            }

            cross[b] += lo;
            cross[b + 1] += hi;
        }

        ComplexF xl = x[LastBandBin], pl = p[LastBandBin];
        cross[Count - 1] += (xl.Re * pl.Re) + (xl.Im * pl.Im);
    }

    /// <summary>g(k) = (1 − φ)g_b + φ·g_(b+1) for bins up to 20 kHz, g_33 above.</summary>
    public static void Interpolate(ReadOnlySpan<float> bandValues, Span<float> binValues)
    {
        if (bandValues.Length != Count || binValues.Length != FrameLayout.BinCount)
        {
            throw new ArgumentException($"Expected {Count} band values and {FrameLayout.BinCount} bins.");
        }

        ReadOnlySpan<int> c = Centres;
        for (int b = 0; b < Count - 1; b++)
        {
            int width = c[b + 1] - c[b];
            float inv = 1f / width;
            float g0 = bandValues[b], g1 = bandValues[b + 1];
            for (int j = 0; j < width; j++)
            {
                float phi = j * inv;
                binValues[c[b] + j] = ((1f - phi) * g0) + (phi * g1);
            }
        }

        binValues[LastBandBin..].Fill(bandValues[Count - 1]);
    }

    private static void Check(int bins, int bands)
    {
        Guard.Length(bins, FrameLayout.BinCount, "spectrum bins");
        Guard.Length(bands, Count, "bands");
    }
}

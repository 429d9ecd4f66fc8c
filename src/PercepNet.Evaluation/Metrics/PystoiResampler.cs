namespace PercepNet.Evaluation.Metrics;

/// <summary>
/// Rational-rate resampling by a windowed-sinc polyphase filter with the conventions of SciPy's
/// <c>resample_poly</c> (output length ⌈n·up/down⌉, filter centred on the output samples, zero padding outside)
/// and the anti-aliasing filter of Octave's <c>resample</c> (Kaiser window, 60 dB rejection, roll-off a tenth of
/// the cut-off, unit DC gain) — the resampler pystoi uses, so STOI scores match its reference values.
/// Double precision throughout. Used by STOI only; audio is resampled by PercepNet.Audio's Resampler.
/// </summary>
internal static class PystoiResampler
{
    public static double[] Resample(ReadOnlySpan<double> x, int inputRate, int outputRate)
    {
        int g = Gcd(outputRate, inputRate);
        int up = outputRate / g, down = inputRate / g;
        if (up == 1 && down == 1)
        {
            return x.ToArray();
        }

        double[] h = OctaveFilter(up, down);
        double sum = h.Sum();
        for (int i = 0; i < h.Length; i++)
        {
            h[i] = h[i] / sum * up;
        }

        int halfLength = (h.Length - 1) / 2;
        int nIn = x.Length;
        long product = (long)nIn * up;
        int nOut = (int)((product / down) + (product % down != 0 ? 1 : 0));
        int prePad = down - (halfLength % down);
        int preRemove = (halfLength + prePad) / down;
        var y = new double[nOut];
        for (int k = 0; k < nOut; k++)
        {
            // y[k] = Σ_j h[m − j·up] x[j] with m = (k + preRemove)·down − prePad (h zero outside 0..len−1).
            long m = ((long)(k + preRemove) * down) - prePad;
            long jLow = Math.Max(0, CeilDiv(m - h.Length + 1, up));
            long jHigh = Math.Min(nIn - 1, FloorDiv(m, up));
            double acc = 0;
            for (long j = jLow; j <= jHigh; j++)
            {
                acc += h[m - (j * up)] * x[(int)j];
            }

            y[k] = acc;
        }

        return y;
    }

    /// <summary>Octave's resample filter for rates reduced to p/q: ideal low-pass × Kaiser window, 2L + 1 taps.</summary>
    private static double[] OctaveFilter(int p, int q)
    {
        const double RejectionDb = 60;
        double cutoff = 1.0 / (2 * Math.Max(p, q));
        double rollOff = cutoff / 10;
        int l = (int)Math.Ceiling((RejectionDb - 8) / (28.714 * rollOff));
        double beta = 0.1102 * (RejectionDb - 8.7);
        var h = new double[(2 * l) + 1];
        double i0Beta = BesselI0(beta);
        for (int n = 0; n < h.Length; n++)
        {
            double t = n - l;
            double arg = 2 * cutoff * t;
            double sinc = arg == 0 ? 1 : Math.Sin(Math.PI * arg) / (Math.PI * arg);
            double r = (2.0 * n / (h.Length - 1)) - 1;
            double kaiser = BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - (r * r)))) / i0Beta;
            h[n] = kaiser * 2 * p * cutoff * sinc;
        }

        return h;
    }

    /// <summary>Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≈ 5.7).</summary>
    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, quarter = x * x / 4;
        for (int k = 1; k < 200; k++)
        {
            term *= quarter / (k * (double)k);
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}

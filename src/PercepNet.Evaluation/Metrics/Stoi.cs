using System.Numerics;

namespace PercepNet.Evaluation.Metrics;

/// <summary>
/// STOI (Taal et al. 2011) and extended STOI (Jensen and Taal 2016), following pystoi 0.4.1: both signals resampled
/// to 10 kHz (<see cref="PystoiResampler"/>), 256-sample Hann frames hopped by 128 whose clean energy is more than
/// 40 dB below the loudest frame removed (with the degraded frames at the same places) and the rest overlap-added,
/// 512-point spectra, 15 one-third-octave bands from 150 Hz, 30-frame (384 ms) segments; STOI clips the normalised
/// degraded envelope at −15 dB SDR and averages band correlations; ESTOI row- and column-normalises each segment.
/// Double precision.
/// </summary>
internal static class Stoi
{
    public const int Rate = 10000;
    private const int FrameLength = 256;
    private const int Hop = 128;
    private const int FftSize = 512;
    private const int Bands = 15;
    private const int SegmentFrames = 30;
    private const double DynamicRange = 40;
    private const double Beta = -15;
    private const double Eps = 2.220446049250313e-16;

    private static readonly double[] Window = HanningInterior(FrameLength);
    private static readonly (int Low, int High)[] BandBins = ThirdOctaveBands();

    /// <summary>pystoi's value when fewer than 30 frames remain after silence removal.</summary>
    public const double TooShortValue = 1e-5;

    public static double Compute(ReadOnlySpan<double> clean, ReadOnlySpan<double> degraded, int sampleRate, bool extended = false)
    {
        (double stoi, double estoi) = ComputeBoth(clean, degraded, sampleRate, extended ? Which.Extended : Which.Classic);
        return extended ? estoi : stoi;
    }

    public static double Compute(ReadOnlySpan<float> clean, ReadOnlySpan<float> degraded, int sampleRate, bool extended = false) =>
        Compute(ToDouble(clean), ToDouble(degraded), sampleRate, extended);

    /// <summary>STOI and ESTOI at once, sharing the resampling and the band envelopes.</summary>
    public static (double Stoi, double Estoi) ComputeBoth(ReadOnlySpan<float> clean, ReadOnlySpan<float> degraded, int sampleRate) =>
        ComputeBoth(ToDouble(clean), ToDouble(degraded), sampleRate, Which.Both);

    private enum Which
    {
        Classic,
        Extended,
        Both,
    }

    private static (double Stoi, double Estoi) ComputeBoth(ReadOnlySpan<double> clean, ReadOnlySpan<double> degraded, int sampleRate, Which which)
    {
        if (clean.Length != degraded.Length)
        {
            throw new ArgumentException($"Signals must have the same length ({clean.Length} and {degraded.Length}).");
        }

        double[] x = PystoiResampler.Resample(clean, sampleRate, Rate);
        double[] y = PystoiResampler.Resample(degraded, sampleRate, Rate);
        (x, y) = RemoveSilentFrames(x, y);
        double[,] xb = ThirdOctaveEnvelopes(x);
        double[,] yb = ThirdOctaveEnvelopes(y);
        int frames = xb.GetLength(1);
        if (frames < SegmentFrames)
        {
            return (TooShortValue, TooShortValue);
        }

        int segments = frames - SegmentFrames + 1;
        double stoi = which == Which.Extended ? double.NaN : Classic(xb, yb, segments);
        double estoi = which == Which.Classic ? double.NaN : Extended(xb, yb, segments);
        return (stoi, estoi);
    }

    private static double[] ToDouble(ReadOnlySpan<float> x)
    {
        var d = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            d[i] = x[i];
        }

        return d;
    }

    private static double Classic(double[,] xb, double[,] yb, int segments)
    {
        double clip = 1 + Math.Pow(10, -Beta / 20);
        Span<double> xs = stackalloc double[SegmentFrames];
        Span<double> ys = stackalloc double[SegmentFrames];
        double total = 0;
        for (int m = 0; m < segments; m++)
        {
            for (int b = 0; b < Bands; b++)
            {
                double xNorm = 0, yNorm = 0;
                for (int t = 0; t < SegmentFrames; t++)
                {
                    xs[t] = xb[b, m + t];
                    ys[t] = yb[b, m + t];
                    xNorm += xs[t] * xs[t];
                    yNorm += ys[t] * ys[t];
                }

                double alpha = Math.Sqrt(xNorm) / (Math.Sqrt(yNorm) + Eps);
                for (int t = 0; t < SegmentFrames; t++)
                {
                    ys[t] = Math.Min(ys[t] * alpha, xs[t] * clip);
                }

                total += Correlation(xs, ys);
            }
        }

        return total / (segments * (double)Bands);
    }

    private static double Correlation(Span<double> a, Span<double> b)
    {
        double ma = 0, mb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            ma += a[i];
            mb += b[i];
        }

        ma /= a.Length;
        mb /= b.Length;
        double na = 0, nb = 0, dot = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double da = a[i] - ma, db = b[i] - mb;
            na += da * da;
            nb += db * db;
            dot += da * db;
        }

        return dot / ((Math.Sqrt(na) + Eps) * (Math.Sqrt(nb) + Eps));
    }

    private static double Extended(double[,] xb, double[,] yb, int segments)
    {
        var xn = new double[Bands, SegmentFrames];
        var yn = new double[Bands, SegmentFrames];
        double total = 0;
        for (int m = 0; m < segments; m++)
        {
            RowColumnNormalise(xb, m, xn);
            RowColumnNormalise(yb, m, yn);
            double sum = 0;
            for (int b = 0; b < Bands; b++)
            {
                for (int t = 0; t < SegmentFrames; t++)
                {
                    sum += xn[b, t] * yn[b, t];
                }
            }

            total += sum / SegmentFrames;
        }

        return total / segments;
    }

    /// <summary>Each band's envelope over the segment made zero-mean and unit-norm, then each frame's band vector likewise.</summary>
    private static void RowColumnNormalise(double[,] envelopes, int start, double[,] result)
    {
        for (int b = 0; b < Bands; b++)
        {
            double mean = 0;
            for (int t = 0; t < SegmentFrames; t++)
            {
                mean += envelopes[b, start + t];
            }

            mean /= SegmentFrames;
            double norm = 0;
            for (int t = 0; t < SegmentFrames; t++)
            {
                result[b, t] = envelopes[b, start + t] - mean;
                norm += result[b, t] * result[b, t];
            }

            double inv = norm > 0 ? 1 / Math.Sqrt(norm) : 0;
            for (int t = 0; t < SegmentFrames; t++)
            {
                result[b, t] *= inv;
            }
        }

        for (int t = 0; t < SegmentFrames; t++)
        {
            double mean = 0;
            for (int b = 0; b < Bands; b++)
            {
                mean += result[b, t];
            }

            mean /= Bands;
            double norm = 0;
            for (int b = 0; b < Bands; b++)
            {
                result[b, t] -= mean;
                norm += result[b, t] * result[b, t];
            }

            double inv = norm > 0 ? 1 / Math.Sqrt(norm) : 0;
            for (int b = 0; b < Bands; b++)
            {
                result[b, t] *= inv;
            }
        }
    }

    /// <summary>Drops the frames whose clean energy is more than 40 dB below the loudest, overlap-adding the rest.</summary>
    internal static (double[] Clean, double[] Degraded) RemoveSilentFrames(double[] x, double[] y)
    {
        int frames = Math.Max(0, (x.Length - FrameLength + Hop - 1) / Hop); // range(0, len − framelen, hop)
        var energies = new double[frames];
        double loudest = double.NegativeInfinity;
        for (int f = 0; f < frames; f++)
        {
            double e = 0;
            for (int n = 0; n < FrameLength; n++)
            {
                double v = Window[n] * x[(f * Hop) + n];
                e += v * v;
            }

            energies[f] = 20 * Math.Log10(Math.Sqrt(e) + Eps);
            loudest = Math.Max(loudest, energies[f]);
        }

        var kept = new List<int>();
        for (int f = 0; f < frames; f++)
        {
            if (loudest - DynamicRange - energies[f] < 0)
            {
                kept.Add(f);
            }
        }

        int length = kept.Count == 0 ? 0 : ((kept.Count - 1) * Hop) + FrameLength;
        var xs = new double[length];
        var ys = new double[length];
        for (int i = 0; i < kept.Count; i++)
        {
            int source = kept[i] * Hop, target = i * Hop;
            for (int n = 0; n < FrameLength; n++)
            {
                xs[target + n] += Window[n] * x[source + n];
                ys[target + n] += Window[n] * y[source + n];
            }
        }

        return (xs, ys);
    }

    /// <summary>One-third-octave band magnitudes [band, frame] of 256-sample Hann frames hopped by 128, 512-point FFT.</summary>
    private static double[,] ThirdOctaveEnvelopes(double[] x)
    {
        int frames = Math.Max(0, (x.Length - FrameLength + Hop - 1) / Hop);
        var result = new double[Bands, frames];
        var buffer = new Complex[FftSize];
        var power = new double[(FftSize / 2) + 1];
        for (int f = 0; f < frames; f++)
        {
            Array.Clear(buffer);
            for (int n = 0; n < FrameLength; n++)
            {
                buffer[n] = Window[n] * x[(f * Hop) + n];
            }

            Radix2Fft.Forward(buffer);
            for (int k = 0; k < power.Length; k++)
            {
                power[k] = (buffer[k].Real * buffer[k].Real) + (buffer[k].Imaginary * buffer[k].Imaginary);
            }

            for (int b = 0; b < Bands; b++)
            {
                double sum = 0;
                for (int k = BandBins[b].Low; k < BandBins[b].High; k++)
                {
                    sum += power[k];
                }

                result[b, f] = Math.Sqrt(sum);
            }
        }

        return result;
    }

    /// <summary>np.hanning(n + 2)[1:-1] (MATLAB's hanning(n)).</summary>
    private static double[] HanningInterior(int n)
    {
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            w[i] = 0.5 - (0.5 * Math.Cos(2 * Math.PI * (i + 1) / (n + 1)));
        }

        return w;
    }

    /// <summary>Bins [low, high) of each band: edges 150·2^((2k ∓ 1)/6) Hz rounded to the nearest bin.</summary>
    private static (int, int)[] ThirdOctaveBands()
    {
        var bands = new (int, int)[Bands];
        int bins = (FftSize / 2) + 1;
        for (int k = 0; k < Bands; k++)
        {
            double low = 150 * Math.Pow(2, ((2.0 * k) - 1) / 6);
            double high = 150 * Math.Pow(2, ((2.0 * k) + 1) / 6);
            bands[k] = (Nearest(low), Nearest(high));
        }

        return bands;

        int Nearest(double frequency)
        {
            int best = 0;
            double bestDistance = double.MaxValue;
            for (int i = 0; i < bins; i++)
            {
                double f = (double)Rate * i / FftSize;
                double d = (f - frequency) * (f - frequency);
                if (d < bestDistance)
                {
                    bestDistance = d;
                    best = i;
                }
            }

            return best;
        }
    }
}

/// <summary>In-place radix-2 complex FFT in double precision (for the evaluation metrics).</summary>
internal static class Radix2Fft
{
    public static void Forward(Complex[] data)
    {
        int n = data.Length;
        if ((n & (n - 1)) != 0)
        {
            throw new ArgumentException("Length must be a power of two.");
        }

        for (int i = 1, j = 0; i < n; i++)
        {
            int bit = n >> 1;
            for (; (j & bit) != 0; bit >>= 1)
            {
                j ^= bit;
            }

            j ^= bit;
            if (i < j)
            {
                (data[i], data[j]) = (data[j], data[i]);
            }
        }

        for (int length = 2; length <= n; length <<= 1)
        {
            double angle = -2 * Math.PI / length;
            var step = new Complex(Math.Cos(angle), Math.Sin(angle));
            for (int start = 0; start < n; start += length)
            {
                Complex w = Complex.One;
                for (int k = 0; k < length / 2; k++)
                {
                    Complex a = data[start + k];
                    Complex b = data[start + k + (length / 2)] * w;
                    data[start + k] = a + b;
                    data[start + k + (length / 2)] = a - b;
                    w *= step;
                }
            }
        }
    }
}

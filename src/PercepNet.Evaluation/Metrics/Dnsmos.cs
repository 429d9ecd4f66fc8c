using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PercepNet.Audio;
using PercepNet.Dsp;

namespace PercepNet.Evaluation.Metrics;

/// <summary>The ONNX models are missing or unreadable; the message names the directory or file.</summary>
internal sealed class DnsmosModelsException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>DNSMOS scores of one clip: P.835 SIG, BAK, OVRL (mapped and raw) and P.808 MOS, averaged over windows.</summary>
internal sealed record DnsmosScores(double Sig, double Bak, double Ovrl, double SigRaw, double BakRaw, double OvrlRaw, double P808Mos);

/// <summary>
/// DNSMOS (Reddy et al., ICASSP 2021/2022) through ONNX Runtime, following the DNS Challenge's reference recipe: the
/// clip at 16 kHz, repeated (doubled) until it is at least 9.01 s long, windows of 144,160 samples hopped by 1 s; the
/// P.835 model (<c>sig_bak_ovr.onnx</c>) on each window's waveform, its raw outputs mapped by the published
/// polynomials; the P.808 model (<c>model_v8.onnx</c>) on a 120-band Slaney mel spectrogram of the window minus its
/// last 160 samples (n_fft 321, hop 160, periodic Hann, centre zero-padding, power in dB re the maximum with an 80 dB
/// floor, then (dB + 40)/40). Scores are means over windows. One instance may be used from many threads.
/// </summary>
internal sealed class Dnsmos : IDisposable
{
    public const string ModelDirectoryVariable = "PERCEPNET_DNSMOS_DIR";
    public const int Rate = 16000;
    public const int WindowSamples = 144160;
    private const double WindowSeconds = 9.01;
    private const int MelBands = 120;
    private const int FftSize = 321;
    private const int MelHop = 160;
    private const int MelFrames = 900;
    private const int Bins = (FftSize / 2) + 1;

    private static readonly double[] SigPolynomial = [-0.08397278, 1.22083953, 0.0052439];
    private static readonly double[] BakPolynomial = [-0.13166888, 1.60915514, -0.39604546];
    private static readonly double[] OvrlPolynomial = [-0.06766283, 1.11546468, 0.04602535];

    private static readonly Lazy<(float[] Cos, float[] Sin, float[] Window, float[] Mel)> Tables = new(BuildTables);

    private readonly InferenceSession _p835;
    private readonly InferenceSession _p808;

    public Dnsmos(string modelDirectory)
    {
        string p835 = Path.Combine(modelDirectory, "sig_bak_ovr.onnx");
        string p808 = Path.Combine(modelDirectory, "model_v8.onnx");
        foreach (string file in new[] { p835, p808 })
        {
            if (!File.Exists(file))
            {
                throw new DnsmosModelsException($"{file}: DNSMOS model not found (give --dnsmos-dir or set {ModelDirectoryVariable})");
            }
        }

        var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        try
        {
            _p835 = new InferenceSession(p835, options);
            _p808 = new InferenceSession(p808, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new DnsmosModelsException($"{modelDirectory}: cannot load the DNSMOS models ({e.Message.TrimEnd('.')})", e);
        }
    }

    /// <summary>The directory from the option, else the environment variable, else null.</summary>
    public static string? ResolveDirectory(string? option) =>
        !string.IsNullOrEmpty(option) ? option : Environment.GetEnvironmentVariable(ModelDirectoryVariable);

    public DnsmosScores Score(ReadOnlySpan<float> audio, int sampleRate)
    {
        float[] clip = sampleRate == Rate ? audio.ToArray() : Resampler.Resample(audio, sampleRate, Rate);
        if (clip.Length == 0)
        {
            throw new ArgumentException("The clip is empty.");
        }

        while (clip.Length < WindowSamples)
        {
            clip = [.. clip, .. clip];
        }

        int hops = (int)(Math.Floor(clip.Length / (double)Rate) - WindowSeconds) + 1;
        double sig = 0, bak = 0, ovrl = 0, sigRaw = 0, bakRaw = 0, ovrlRaw = 0, p808 = 0;
        int used = 0;
        for (int i = 0; i < hops; i++)
        {
            int start = (int)(i * (double)Rate);
            int end = (int)((i + WindowSeconds) * Rate);
            if (end > clip.Length || end - start < WindowSamples)
            {
                continue;
            }

            ReadOnlySpan<float> window = clip.AsSpan(start, WindowSamples);
            (float s, float b, float o) = RawP835(window);
            sigRaw += s;
            bakRaw += b;
            ovrlRaw += o;
            sig += Polynomial(SigPolynomial, s);
            bak += Polynomial(BakPolynomial, b);
            ovrl += Polynomial(OvrlPolynomial, o);
            p808 += P808(window[..^MelHop]);
            used++;
        }

        return new DnsmosScores(sig / used, bak / used, ovrl / used, sigRaw / used, bakRaw / used, ovrlRaw / used, p808 / used);
    }

    /// <summary>Raw P.835 outputs (SIG, BAK, OVRL) for one 144,160-sample window at 16 kHz.</summary>
    public (float Sig, float Bak, float Ovrl) RawP835(ReadOnlySpan<float> window)
    {
        var input = new DenseTensor<float>(window.ToArray(), [1, WindowSamples]);
        using var results = _p835.Run([NamedOnnxValue.CreateFromTensor(_p835.InputMetadata.Keys.First(), input)]);
        float[] output = results.First().AsEnumerable<float>().ToArray();
        return (output[0], output[1], output[2]);
    }

    /// <summary>P.808 MOS for one window (without its last 160 samples).</summary>
    public float P808(ReadOnlySpan<float> window)
    {
        float[] features = MelFeatures(window);
        var input = new DenseTensor<float>(features, [1, MelFrames, MelBands]);
        using var results = _p808.Run([NamedOnnxValue.CreateFromTensor(_p808.InputMetadata.Keys.First(), input)]);
        return results.First().AsEnumerable<float>().First();
    }

    /// <summary>The P.808 input: [frames, 120] of (power dB re max, floored 80 dB below, + 40)/40.</summary>
    internal static float[] MelFeatures(ReadOnlySpan<float> audio)
    {
        (float[] cos, float[] sin, float[] hann, float[] mel) = Tables.Value;
        int padding = FftSize / 2;
        int frames = 1 + ((audio.Length + (2 * padding) - FftSize) / MelHop);
        if (frames != MelFrames)
        {
            throw new ArgumentException($"Expected {MelFrames} frames, got {frames}.");
        }

        var padded = new float[audio.Length + (2 * padding)];
        audio.CopyTo(padded.AsSpan(padding));
        var frame = new float[FftSize];
        var power = new float[Bins];
        var db = new double[frames * MelBands];
        double max = double.NegativeInfinity;
        for (int f = 0; f < frames; f++)
        {
            ReadOnlySpan<float> segment = padded.AsSpan(f * MelHop, FftSize);
            for (int n = 0; n < FftSize; n++)
            {
                frame[n] = segment[n] * hann[n];
            }

            for (int k = 0; k < Bins; k++)
            {
                float re = VectorMath.Dot(frame, cos.AsSpan(k * FftSize, FftSize));
                float im = VectorMath.Dot(frame, sin.AsSpan(k * FftSize, FftSize));
                power[k] = (re * re) + (im * im);
            }

            for (int m = 0; m < MelBands; m++)
            {
                double e = VectorMath.Dot(power, mel.AsSpan(m * Bins, Bins));
                db[(f * MelBands) + m] = e;
                max = Math.Max(max, e);
            }
        }

        double reference = 10 * Math.Log10(Math.Max(1e-10, max));
        double floor = double.NegativeInfinity;
        for (int i = 0; i < db.Length; i++)
        {
            db[i] = (10 * Math.Log10(Math.Max(1e-10, db[i]))) - reference;
            floor = Math.Max(floor, db[i]);
        }

        floor -= 80;
        var features = new float[db.Length];
        for (int i = 0; i < db.Length; i++)
        {
            features[i] = (float)((Math.Max(db[i], floor) + 40) / 40);
        }

        return features;
    }

    private static double Polynomial(double[] highestFirst, double x)
    {
        double y = 0;
        foreach (double c in highestFirst)
        {
            y = (y * x) + c;
        }

        return y;
    }

    private static (float[], float[], float[], float[]) BuildTables()
    {
        var cos = new float[Bins * FftSize];
        var sin = new float[Bins * FftSize];
        for (int k = 0; k < Bins; k++)
        {
            for (int n = 0; n < FftSize; n++)
            {
                double angle = 2 * Math.PI * ((long)k * n % FftSize) / FftSize;
                cos[(k * FftSize) + n] = (float)Math.Cos(angle);
                sin[(k * FftSize) + n] = (float)Math.Sin(angle);
            }
        }

        var hann = new float[FftSize];
        for (int n = 0; n < FftSize; n++)
        {
            hann[n] = (float)(0.5 - (0.5 * Math.Cos(2 * Math.PI * n / FftSize)));
        }

        return (cos, sin, hann, SlaneyMelFilterbank());
    }

    /// <summary>librosa.filters.mel(sr=16000, n_fft=321, n_mels=120) with the Slaney scale and area normalisation.</summary>
    private static float[] SlaneyMelFilterbank()
    {
        var fftFrequencies = new double[Bins];
        for (int k = 0; k < Bins; k++)
        {
            fftFrequencies[k] = (Rate / 2.0) * k / (Bins - 1);
        }

        double minMel = HertzToMel(0), maxMel = HertzToMel(Rate / 2.0);
        var melFrequencies = new double[MelBands + 2];
        for (int i = 0; i < melFrequencies.Length; i++)
        {
            melFrequencies[i] = MelToHertz(minMel + ((maxMel - minMel) * i / (MelBands + 1)));
        }

        var weights = new float[MelBands * Bins];
        for (int m = 0; m < MelBands; m++)
        {
            double lowerWidth = melFrequencies[m + 1] - melFrequencies[m];
            double upperWidth = melFrequencies[m + 2] - melFrequencies[m + 1];
            double norm = 2.0 / (melFrequencies[m + 2] - melFrequencies[m]);
            for (int k = 0; k < Bins; k++)
            {
                double lower = (fftFrequencies[k] - melFrequencies[m]) / lowerWidth;
                double upper = (melFrequencies[m + 2] - fftFrequencies[k]) / upperWidth;
                weights[(m * Bins) + k] = (float)(Math.Max(0, Math.Min(lower, upper)) * norm);
            }
        }

        return weights;
    }

    private const double MelLinearStep = 200.0 / 3;
    private const double MelBreakHertz = 1000;
    private static readonly double MelLogStep = Math.Log(6.4) / 27;

    private static double HertzToMel(double hz) =>
        hz < MelBreakHertz ? hz / MelLinearStep : (MelBreakHertz / MelLinearStep) + (Math.Log(hz / MelBreakHertz) / MelLogStep);

    private static double MelToHertz(double mel)
    {
        double breakMel = MelBreakHertz / MelLinearStep;
        return mel < breakMel ? mel * MelLinearStep : MelBreakHertz * Math.Exp(MelLogStep * (mel - breakMel));
    }

    public void Dispose()
    {
        _p835.Dispose();
        _p808.Dispose();
    }
}

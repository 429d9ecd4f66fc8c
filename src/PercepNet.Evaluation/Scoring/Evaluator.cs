using PercepNet.Mixing;
using System.Globalization;
using PercepNet.Audio;
using PercepNet.Evaluation.Metrics;

namespace PercepNet.Evaluation.Scoring;

/// <summary>A reference/degraded pair to score (the reference may be absent: non-intrusive metrics only).</summary>
internal sealed record EvaluationPair(string Name, string? Reference, string Degraded)
{
    /// <summary>The noisy input the degraded file was made from, for the band fidelity's pause attenuation.</summary>
    public string? Noisy { get; init; }
}

/// <summary>Scores of one file; a metric is null where it was not computed. Problems are said in <see cref="Messages"/>.</summary>
internal sealed record FileScores(string Name, string Degraded, string? Reference)
{
    public double? SiSdr { get; init; }
    public double? Snr { get; init; }
    public double? SegmentalSnr { get; init; }
    public double? Stoi { get; init; }
    public double? Estoi { get; init; }
    public double? DnsmosSig { get; init; }
    public double? DnsmosBak { get; init; }
    public double? DnsmosOvrl { get; init; }
    public double? DnsmosP808 { get; init; }
    public int? DelaySamples { get; init; }

    /// <summary>The 48 kHz band fidelity (<see cref="BandFidelity"/>); null where the reference was not scored.</summary>
    public IReadOnlyList<BandFidelityResult>? Bands { get; init; }
    public double Seconds { get; init; }
    public IReadOnlyList<string> Messages { get; init; } = [];

    /// <summary>True when nothing could be scored.</summary>
    public bool Failed => SiSdr is null && DnsmosOvrl is null;
}

/// <summary>Options of an evaluation run.</summary>
internal sealed record EvaluationOptions
{
    /// <summary>Largest delay searched when aligning degraded to reference, in seconds.</summary>
    public double MaxDelaySeconds { get; init; } = 0.1;

    /// <summary>Lengths may differ by this much (after which the common part is scored); beyond, the pair is refused.</summary>
    public double MaxLengthDifferenceSeconds { get; init; } = 1.0;

    public bool Intrusive { get; init; } = true;

    /// <summary>Each reference's bandwidth in Hz by file name without extension (a manifest's); others are estimated.</summary>
    public IReadOnlyDictionary<string, double>? ReferenceBandwidths { get; init; }
}

/// <summary>
/// Scores files: intrusive metrics (SI-SDR, SNR, segmental SNR, STOI, ESTOI) against the reference after compensating
/// the delay found by cross-correlation, and DNSMOS on the degraded file when models are given. Every problem with a
/// file becomes a message naming it; the other files are unaffected.
/// </summary>
internal sealed class Evaluator(Dnsmos? dnsmos, EvaluationOptions? options = null)
{
    /// <summary>Smallest normalised cross-correlation at which a found delay is trusted and compensated.</summary>
    public const double MinAlignmentCorrelation = 0.3;

    private readonly EvaluationOptions _options = options ?? new EvaluationOptions();

    /// <summary>Pairs files of two directories by name (audio files of the degraded directory; a missing reference is reported).</summary>
    public static (List<EvaluationPair> Pairs, List<string> Problems) PairDirectories(string? referenceDirectory, string degradedDirectory,
        string? noisyDirectory = null)
    {
        var pairs = new List<EvaluationPair>();
        var problems = new List<string>();
        string[] extensions = [".wav", ".mp3", ".ogg"];
        foreach (string degraded in Directory.EnumerateFiles(degradedDirectory).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(degraded);
            string? reference = null;
            if (referenceDirectory is not null)
            {
                reference = Path.Combine(referenceDirectory, name);
                if (!File.Exists(reference))
                {
                    problems.Add($"{degraded}: no reference {reference}; skipped");
                    continue;
                }
            }

            string? noisy = null;
            if (noisyDirectory is not null)
            {
                noisy = Path.Combine(noisyDirectory, name);
                if (!File.Exists(noisy))
                {
                    problems.Add($"{degraded}: no noisy input {noisy}; pause attenuation not measured");
                    noisy = null;
                }
            }

            pairs.Add(new EvaluationPair(name, reference, degraded) { Noisy = noisy });
        }

        if (referenceDirectory is not null)
        {
            foreach (string reference in Directory.EnumerateFiles(referenceDirectory).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())))
            {
                if (!File.Exists(Path.Combine(degradedDirectory, Path.GetFileName(reference))))
                {
                    problems.Add($"{reference}: no degraded file of that name in {degradedDirectory}; skipped");
                }
            }
        }

        return (pairs, problems);
    }

    /// <summary>Reads a list file: one pair per line, "reference,degraded" (or tab-separated); # starts a comment; relative paths are relative to the list.</summary>
    public static (List<EvaluationPair> Pairs, List<string> Problems) ReadList(string listPath)
    {
        var pairs = new List<EvaluationPair>();
        var problems = new List<string>();
        string directory = Path.GetDirectoryName(Path.GetFullPath(listPath)) ?? ".";
        int lineNumber = 0;
        foreach (string raw in File.ReadLines(listPath))
        {
            lineNumber++;
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            string[] parts = line.Split([',', '\t'], StringSplitOptions.TrimEntries);
            if (parts.Length is < 1 or > 3)
            {
                problems.Add($"{listPath}:{lineNumber}: expected 'reference,degraded,noisy', 'reference,degraded' or 'degraded'; skipped");
                continue;
            }

            string degradedName = parts.Length == 1 ? parts[0] : parts[1];
            string degraded = Path.Combine(directory, degradedName);
            string? reference = parts.Length >= 2 ? Path.Combine(directory, parts[0]) : null;
            string? noisy = parts.Length == 3 ? Path.Combine(directory, parts[2]) : null;
            pairs.Add(new EvaluationPair(degradedName, reference, degraded) { Noisy = noisy });
        }

        return (pairs, problems);
    }

    public FileScores Score(EvaluationPair pair)
    {
        var messages = new List<string>();
        var result = new FileScores(pair.Name, pair.Degraded, pair.Reference);
        float[] degraded;
        int rate, channels;
        try
        {
            (degraded, rate, channels) = ReadMono(pair.Degraded);
        }
        catch (AudioFormatException e)
        {
            return result with { Messages = [e.Message] };
        }

        result = result with { Seconds = degraded.Length / (double)rate };
        if (dnsmos is not null)
        {
            DnsmosScores d = dnsmos.Score(degraded, rate);
            result = result with { DnsmosSig = d.Sig, DnsmosBak = d.Bak, DnsmosOvrl = d.Ovrl, DnsmosP808 = d.P808Mos };
        }

        if (pair.Reference is not null && _options.Intrusive)
        {
            result = ScoreIntrusive(pair, result, degraded, rate, channels, messages);
        }

        return result with { Messages = messages };
    }

    private FileScores ScoreIntrusive(EvaluationPair pair, FileScores result, float[] degraded, int rate, int channels, List<string> messages)
    {
        float[] reference;
        int referenceRate, referenceChannels;
        try
        {
            (reference, referenceRate, referenceChannels) = ReadMono(pair.Reference!);
        }
        catch (AudioFormatException e)
        {
            messages.Add(e.Message);
            return result;
        }

        if (referenceRate != rate)
        {
            messages.Add($"{pair.Degraded}: sample rate {rate} Hz differs from the reference's {referenceRate} Hz ({pair.Reference}); intrusive metrics skipped");
            return result;
        }

        if (referenceChannels != channels)
        {
            messages.Add($"{pair.Degraded}: {channels} channel(s) where the reference has {referenceChannels} ({pair.Reference}); intrusive metrics skipped");
            return result;
        }

        double difference = Math.Abs(reference.Length - degraded.Length) / (double)rate;
        if (difference > _options.MaxLengthDifferenceSeconds)
        {
            messages.Add($"{pair.Degraded}: length {degraded.Length / (double)rate:F2} s differs from the reference's {reference.Length / (double)rate:F2} s; intrusive metrics skipped");
            return result;
        }

        if (SpeechLevel.RmsPower(reference) < 1e-12)
        {
            messages.Add($"{pair.Reference}: the reference is silent; intrusive metrics skipped");
            return result;
        }

        int delay = DelayEstimator.Estimate(reference, degraded, (int)(_options.MaxDelaySeconds * rate));
        if (delay != 0)
        {
            double peak = DelayEstimator.CorrelationAt(reference, degraded, delay);
            if (peak < MinAlignmentCorrelation)
            {
                // A weak peak (reverberant or very noisy signals) is no evidence of a delay: score as given.
                messages.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{pair.Degraded}: no reliable alignment (correlation {peak:F2} at {delay} samples); scored without delay compensation"));
                delay = 0;
            }
        }

        float[] aligned = delay == 0 ? degraded : DelayEstimator.Compensate(degraded, delay);
        int length = Math.Min(reference.Length, aligned.Length);
        if (delay > 0)
        {
            // The last samples of the reference have no counterpart after the shift.
            length = Math.Min(length, aligned.Length - delay);
        }

        ReadOnlySpan<float> r = reference.AsSpan(0, length), d = aligned.AsSpan(0, length);
        (double stoi, double estoi) = Metrics.Stoi.ComputeBoth(r, d, rate);
        float[] noisy = [];
        if (pair.Noisy is not null)
        {
            try
            {
                (noisy, int noisyRate, int noisyChannels) = ReadMono(pair.Noisy);
                if (noisyRate != rate || noisyChannels != channels)
                {
                    messages.Add($"{pair.Noisy}: rate or channels differ from the reference's; pause attenuation not measured");
                    noisy = [];
                }
            }
            catch (AudioFormatException e)
            {
                messages.Add(e.Message);
            }
        }

        double? bandwidth = null;
        if (_options.ReferenceBandwidths is not null
            && _options.ReferenceBandwidths.TryGetValue(Path.GetFileNameWithoutExtension(pair.Name), out double known))
        {
            bandwidth = known;
        }

        return result with
        {
            Bands = BandFidelity.Measure(r, d, noisy, rate, bandwidth),
            DelaySamples = delay,
            SiSdr = SignalMetrics.SiSdr(r, d),
            Snr = SignalMetrics.Snr(r, d),
            SegmentalSnr = SignalMetrics.SegmentalSnr(r, d, rate),
            Stoi = stoi,
            Estoi = estoi,
        };
    }

    private static (float[] Samples, int Rate, int Channels) ReadMono(string path) => AudioFile.ReadMonoWithChannels(path);
}

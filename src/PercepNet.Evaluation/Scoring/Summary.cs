using PercepNet.Evaluation.Metrics;

namespace PercepNet.Evaluation.Scoring;

/// <summary>Mean of a metric over files with a 95 % confidence interval (Student's t).</summary>
internal sealed record MetricSummary(string Metric, int Count, double Mean, double? HalfWidth95);

internal static class Summary
{
    public static readonly (string Name, Func<FileScores, double?> Value)[] Metrics =
    [
        ("SI-SDR", s => s.SiSdr),
        ("SNR", s => s.Snr),
        ("segSNR", s => s.SegmentalSnr),
        ("STOI", s => s.Stoi),
        ("ESTOI", s => s.Estoi),
        ("DNSMOS SIG", s => s.DnsmosSig),
        ("DNSMOS BAK", s => s.DnsmosBak),
        ("DNSMOS OVRL", s => s.DnsmosOvrl),
        ("DNSMOS P.808", s => s.DnsmosP808),
        .. BandFidelity.Bands.Select((band, i) => ($"speech {band.LowHz / 1000:0}–{band.HighHz / 1000:0} kHz dB",
            (Func<FileScores, double?>)(s => s.Bands?[i].SpeechLevelDb))),
        .. BandFidelity.Bands.Select((band, i) => ($"pause atten. {band.LowHz / 1000:0}–{band.HighHz / 1000:0} kHz dB",
            (Func<FileScores, double?>)(s => s.Bands?[i].PauseAttenuationDb))),
    ];

    public static IReadOnlyList<MetricSummary> Of(IReadOnlyList<FileScores> files)
    {
        var result = new List<MetricSummary>();
        foreach ((string name, Func<FileScores, double?> value) in Metrics)
        {
            double[] values = [.. files.Select(value).Where(v => v is not null && double.IsFinite(v.Value)).Select(v => v!.Value)];
            if (values.Length == 0)
            {
                continue;
            }

            double mean = values.Average();
            double? halfWidth = null;
            if (values.Length > 1)
            {
                double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
                halfWidth = StudentT975(values.Length - 1) * Math.Sqrt(variance / values.Length);
            }

            result.Add(new MetricSummary(name, values.Length, mean, halfWidth));
        }

        return result;
    }

    /// <summary>The 97.5 % quantile of Student's t with the given degrees of freedom.</summary>
    public static double StudentT975(int degreesOfFreedom)
    {
        double[] table =
        [
            12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
            2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
        ];
        if (degreesOfFreedom < 1)
        {
            return double.NaN;
        }

        if (degreesOfFreedom <= table.Length)
        {
            return table[degreesOfFreedom - 1];
        }

        // Cornish–Fisher expansion around the normal quantile; error below 1e-3 from 30 degrees of freedom on.
        const double Z = 1.959963984540054;
        double v = degreesOfFreedom;
        return Z + (((Z * Z * Z) + Z) / (4 * v)) + (((5 * Math.Pow(Z, 5)) + (16 * Z * Z * Z) + (3 * Z)) / (96 * v * v));
    }
}

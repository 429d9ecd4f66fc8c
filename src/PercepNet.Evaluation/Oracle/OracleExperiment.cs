using PercepNet.Audio;
using PercepNet.Dsp;
using PercepNet.Evaluation.Metrics;
using PercepNet.Mixing;
using PercepNet.Oracle;

namespace PercepNet.Evaluation.Oracle;

/// <summary>
/// The oracle table of docs/ORACLES.md: real speech mixed with real noise at several SNRs (by active speech
/// level, noise offset seeded), every oracle condition run on every mixture, scored against the clean speech.
/// </summary>
internal static class OracleExperiment
{
    /// <summary>Speech files (relative to the data folder): one fullband male, one fullband female, one 16 kHz female.</summary>
    public static readonly string[] DefaultSpeech =
    [
        "speech/dctts-recordings/LJ001-0001.ogg",
        "speech/duke-alphanumeric/R_15Rh8IA5GvyzCIF__Numbers.ogg",
        "speech/librispeech/ls1069__1069-133699-0000.ogg",
    ];

    /// <summary>Noise files: babble, traffic, keyboard clicks, rain.</summary>
    public static readonly string[] DefaultNoise =
    [
        "noise/moodist/crowded-bar.ogg",
        "noise/moodist/highway.ogg",
        "noise/moodist/keyboard.ogg",
        "noise/moodist/rain-on-window.ogg",
    ];

    public static readonly double[] DefaultSnrs = [0, 5, 10, 20];

    public sealed record Row(string Speech, string Noise, double Snr, string Condition, double SiSdr, double SegmentalSnr);

    /// <summary>
    /// The conditions of the table: the four oracles with the ideal pitch; the comb ones also with the pitch tracked
    /// on the noisy signal, with the strengths of DESIGN §6 and with least-squares strengths.
    /// </summary>
    public static IReadOnlyList<OracleCondition> DefaultConditions { get; } =
    [
        .. OracleModes.All.Select(m => new OracleCondition(m.Mode)),
        .. OracleModes.All.Where(m => m.Mode.UsesComb()).Select(m => new OracleCondition(m.Mode, OraclePitch.Noisy)),
        .. OracleModes.All.Where(m => m.Mode.UsesComb()).Select(m => new OracleCondition(m.Mode, OraclePitch.Noisy, OracleStrength.LeastSquares)),
    ];

    /// <summary>Runs every condition (and the noisy input, condition "noisy") on every speech × noise × SNR.</summary>
    public static IReadOnlyList<Row> Run(string dataDirectory, IReadOnlyList<string> speech, IReadOnlyList<string> noise,
        IReadOnlyList<double> snrs, IReadOnlyList<OracleCondition> modes, Action<string>? progress = null)
    {
        var rows = new List<Row>();
        var noiseSignals = noise.ToDictionary(n => n, n => AudioFile.ReadMono48k(Path.Combine(dataDirectory, n)));
        int seed = 1;
        foreach (string s in speech)
        {
            float[] speechSignal = AudioFile.ReadMono48k(Path.Combine(dataDirectory, s));
            foreach (string n in noise)
            {
                foreach (double snr in snrs)
                {
                    progress?.Invoke($"{Path.GetFileName(s)} + {Path.GetFileName(n)} at {snr} dB");
                    NoiseMixer.Result mix = NoiseMixer.Mix(speechSignal, noiseSignals[n], snr, seed++, FrameLayout.SampleRate);
                    var results = new Row[modes.Count + 1];
                    results[0] = Score(s, n, snr, "noisy", mix.Clean, mix.Noisy);
                    Parallel.For(0, modes.Count, i =>
                    {
                        float[] enhanced = new OracleEnhancer(modes[i]).Enhance(mix.Clean, mix.Noisy);
                        results[i + 1] = Score(s, n, snr, modes[i].Name, mix.Clean, enhanced);
                    });
                    rows.AddRange(results);
                }
            }
        }

        return rows;
    }

    private static Row Score(string speech, string noise, double snr, string condition, float[] clean, float[] degraded) =>
        new(speech, noise, snr, condition, SignalMetrics.SiSdr(clean, degraded),
            SignalMetrics.SegmentalSnr(clean, degraded, FrameLayout.SampleRate));
}

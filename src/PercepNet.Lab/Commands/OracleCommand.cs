using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using PercepNet.Audio;
using PercepNet.Cli.Commands;
using PercepNet.Dsp;
using PercepNet.Evaluation.Metrics;
using PercepNet.Oracle;

namespace PercepNet.Lab.Commands;

/// <summary><c>percepnet oracle</c>: the signal chain driven by ideal values from the clean signal.</summary>
internal static class OracleCommand
{
    public static Command Create()
    {
        var clean = new Option<string>("--clean") { Description = "Clean reference (WAV, FLAC, MP3, Ogg Vorbis or Opus).", Required = true };
        var noisy = new Option<string>("--noisy") { Description = "Noisy signal, same length and timing as the clean one.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Enhanced WAV to write (48 kHz mono, 16-bit; --float for 32-bit float).", Required = true };
        var mode = new Option<string>("--mode")
        {
            Description = "Oracle condition: magnitude, bands, bands+comb or bands+comb+postfilter.",
            DefaultValueFactory = _ => "bands+comb+postfilter",
        };
        mode.AcceptOnlyFromAmong([.. OracleModes.All.Select(m => m.Name)]);
        var report = new Option<string?>("--report") { Description = "Also write the scores as JSON to this file." };
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float samples instead of 16-bit PCM." };
        var pitch = new Option<string>("--pitch")
        {
            Description = "Pitch that tunes the comb on the noisy signal: 'clean' (ideal, tracked on the clean file) or "
                + "'noisy' (tracked on the noisy file, as at inference).",
            DefaultValueFactory = _ => "clean",
        };
        pitch.AcceptOnlyFromAmong("clean", "noisy");
        var strength = new Option<string>("--strength")
        {
            Description = "Comb strengths: 'coherence' (matching the clean pitch coherence) or 'least-squares' "
                + "(the mix of noisy and comb-filtered spectra closest to the clean one, per band).",
            DefaultValueFactory = _ => "coherence",
        };
        strength.AcceptOnlyFromAmong("coherence", "least-squares");

        var command = new Command("oracle",
            "Enhance a noisy file with ideal gains (and comb strengths) computed from its clean reference, as in the "
            + "article's listening conditions; prints SI-SDR and segmental SNR of the noisy input and of the output "
            + "against the clean reference (both resampled to 48 kHz, delay compensated).")
        {
            clean, noisy, output, mode, pitch, strength, report, asFloat,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(
            parse.GetValue(clean)!, parse.GetValue(noisy)!, parse.GetValue(output)!, parse.GetValue(mode)!,
            parse.GetValue(pitch) == "noisy" ? OraclePitch.Noisy : OraclePitch.Clean,
            parse.GetValue(strength) == "least-squares" ? OracleStrength.LeastSquares : OracleStrength.Coherence,
            parse.GetValue(report), parse.GetValue(asFloat))));
        return command;
    }

    internal sealed record Scores(double SiSdr, double SegmentalSnr);

    internal sealed record Report(string Clean, string Noisy, string Output, string Condition, double Seconds,
        Scores Input, Scores Enhanced, int ResidualDelaySamples);

    private static int Run(string cleanPath, string noisyPath, string outputPath, string modeName, OraclePitch pitch,
        OracleStrength strength, string? reportPath, bool asFloat)
    {
        CommandRunner.EnsureNotAnInput(outputPath, cleanPath, noisyPath);
        if (reportPath is not null)
        {
            CommandRunner.EnsureNotAnInput(reportPath, cleanPath, noisyPath, outputPath);
        }

        if (!OracleModes.TryParse(modeName, out OracleMode mode))
        {
            throw new UsageException($"unknown mode '{modeName}'");
        }

        var condition = new OracleCondition(mode, pitch, strength);
        float[] clean = AudioFile.ReadMono48k(cleanPath);
        float[] noisy = AudioFile.ReadMono48k(noisyPath);
        if (Math.Abs(clean.Length - noisy.Length) > FrameLayout.SampleRate / 100)
        {
            throw new UsageException(
                $"{noisyPath}: length {noisy.Length / 48000.0:F2} s differs from the clean file's {clean.Length / 48000.0:F2} s");
        }

        int length = Math.Min(clean.Length, noisy.Length);
        clean = clean[..length];
        noisy = noisy[..length];

        float[] enhanced = new OracleEnhancer(condition).Enhance(clean, noisy);
        // The enhancer removes its own latency; check that nothing is left (a bounded search).
        int residual = DelayEstimator.Estimate(clean, enhanced, 48);
        float[] aligned = residual == 0 ? enhanced : DelayEstimator.Compensate(enhanced, residual);

        WavWriter.WriteMono(outputPath, enhanced, FrameLayout.SampleRate, asFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16);

        var input = new Scores(SignalMetrics.SiSdr(clean, noisy), SignalMetrics.SegmentalSnr(clean, noisy, FrameLayout.SampleRate));
        var result = new Scores(SignalMetrics.SiSdr(clean, aligned), SignalMetrics.SegmentalSnr(clean, aligned, FrameLayout.SampleRate));
        var culture = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Format(culture, "{0,-40} {1,10} {2,12}", "", "SI-SDR dB", "segSNR dB"));
        Console.WriteLine(string.Format(culture, "{0,-40} {1,10:F2} {2,12:F2}", "noisy input", input.SiSdr, input.SegmentalSnr));
        Console.WriteLine(string.Format(culture, "{0,-40} {1,10:F2} {2,12:F2}", condition.Name, result.SiSdr, result.SegmentalSnr));

        if (reportPath is not null)
        {
            var report = new Report(cleanPath, noisyPath, outputPath, condition.Name, length / (double)FrameLayout.SampleRate,
                input, result, residual);
            string json = JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
            AtomicText.Write(reportPath, json + Environment.NewLine);
        }

        return 0;
    }
}

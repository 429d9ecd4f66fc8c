using System.CommandLine;
using System.Globalization;
using PercepNet.Audio;
using PercepNet.Cli.Commands;
using PercepNet.Dsp;
using PercepNet.Mixing;

namespace PercepNet.Lab.Commands;

/// <summary><c>percepnet mix</c>: reproducible speech + noise test pairs.</summary>
internal static class MixCommand
{
    public static Command Create()
    {
        var speech = new Option<string>("--speech") { Description = "Clean speech file (WAV, FLAC, MP3, Ogg Vorbis or Opus; mixed to mono).", Required = true };
        var noise = new Option<string>("--noise") { Description = "Noise file (looped when shorter than the speech).", Required = true };
        var snr = new Option<double>("--snr") { Description = "Signal-to-noise ratio in dB.", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "Noisy mixture to write (48 kHz mono WAV).", Required = true };
        var cleanOut = new Option<string>("--clean-out") { Description = "Clean reference to write, aligned with and scaled like the mixture.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Seed of the noise start offset.", DefaultValueFactory = _ => 1 };
        var level = new Option<string>("--level")
        {
            Description = "How the SNR is measured: 'active' = active speech level (mean power of the 10 ms frames within "
                + "40 dB of the loudest, a simplified ITU-T P.56) against the noise's RMS; 'rms' = RMS against RMS.",
            DefaultValueFactory = _ => "active",
        };
        level.AcceptOnlyFromAmong("active", "rms");
        var asFloat = new Option<bool>("--float") { Description = "Write 32-bit float samples instead of 16-bit PCM." };

        var command = new Command("mix",
            "Mix speech and noise at a given SNR, reproducibly: both are resampled to 48 kHz, the noise starts at an "
            + "offset drawn from --seed and wraps around, and if the mixture would clip both outputs are scaled down "
            + "together (by the same factor, printed).")
        {
            speech, noise, snr, output, cleanOut, seed, level, asFloat,
        };
        command.SetAction(parse => CommandRunner.Run(() => Run(
            parse.GetValue(speech)!, parse.GetValue(noise)!, parse.GetValue(snr), parse.GetValue(output)!,
            parse.GetValue(cleanOut)!, parse.GetValue(seed), parse.GetValue(level) == "rms" ? LoudnessMeasure.Rms : LoudnessMeasure.ActiveSpeech,
            parse.GetValue(asFloat))));
        return command;
    }

    private static int Run(string speechPath, string noisePath, double snr, string outputPath, string cleanPath, int seed,
        LoudnessMeasure measure, bool asFloat)
    {
        CommandRunner.EnsureNotAnInput(outputPath, speechPath, noisePath);
        CommandRunner.EnsureNotAnInput(cleanPath, speechPath, noisePath, outputPath);
        if (!double.IsFinite(snr))
        {
            throw new UsageException("--snr must be a finite number of dB");
        }

        float[] speech = AudioFile.ReadMono48k(speechPath);
        float[] noise = AudioFile.ReadMono48k(noisePath);
        NoiseMixer.Result mix;
        try
        {
            mix = NoiseMixer.Mix(speech, noise, snr, seed, FrameLayout.SampleRate, measure);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message.Contains("speech", StringComparison.Ordinal) ? $"{speechPath}: {e.Message}" : $"{noisePath}: {e.Message}");
        }

        var format = asFloat ? WavSampleFormat.Float32 : WavSampleFormat.Pcm16;
        WavWriter.WriteMono(outputPath, mix.Noisy, FrameLayout.SampleRate, format);
        WavWriter.WriteMono(cleanPath, mix.Clean, FrameLayout.SampleRate, format);
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
            "mixed {0:F2} s at {1:F1} dB SNR ({2}), noise offset {3} samples, noise gain {4:F4}, output gain {5:F4}",
            speech.Length / (double)FrameLayout.SampleRate, snr, measure == LoudnessMeasure.Rms ? "rms" : "active speech level",
            mix.NoiseOffset, mix.NoiseGain, mix.OutputGain));
        return 0;
    }
}

using System.CommandLine;
using PercepNet.Audio;

namespace PercepNet.Cli.Commands;

/// <summary><c>percepnet stream</c>: raw PCM from standard input to standard output, as it arrives.</summary>
internal static class StreamCommand
{
    public static Command Create()
    {
        var rate = new Option<int>("--rate", "-r") { Description = "Sample rate of the raw stream.", DefaultValueFactory = _ => 48000 };
        var channels = new Option<int>("--channels", "-c") { Description = "Interleaved channels.", DefaultValueFactory = _ => 1 };
        var format = new Option<string>("--format", "-f") { Description = "Sample format: s16le or f32le.", DefaultValueFactory = _ => "s16le" };
        format.AcceptOnlyFromAmong("s16le", "f32le");
        NumericOptionChecks.RequireRange(rate, 8000, 384000, "a sample rate in Hz");
        NumericOptionChecks.RequireRange(channels, 1, 64, "a channel count");
        var model = ModelOptions.Create();
        var knobs = new RuntimeOptions();
        var command = new Command("stream",
            "Denoise raw PCM from stdin to stdout as it arrives (e.g. arecord -f S16_LE -r 48000 | percepnet stream | aplay -f S16_LE -r 48000). "
            + "The output lags the input by the denoiser's latency (40 ms at 48 kHz, 42–49 ms at other rates).")
        {
            rate, channels, format, model,
        };
        knobs.AddTo(command);
        command.SetAction(parse => CommandRunner.Run(() => Run(parse.GetValue(rate), parse.GetValue(channels), parse.GetValue(format) == "f32le",
            parse.GetValue(model), knobs.Read(parse))));
        return command;
    }

    private static int Run(int rate, int channels, bool asFloat, string? modelPath, DenoiserOptions options)
    {
        Model model = ModelOptions.Load(modelPath);
        using Stream stdin = Console.OpenStandardInput();
        using Stream stdout = StandardOutput.Open();
        int ignored;
        try
        {
            ignored = AudioDenoising.DenoiseStream(stdin, stdout, rate, channels, asFloat ? PcmEncoding.F32LE : PcmEncoding.S16LE, model, options);
        }
        catch (StandardOutput.WriteFailedException e)
        {
            Console.Error.WriteLine($"error: standard output cannot be written ({e.Message}); is it closed?");
            return CommandRunner.OutputError;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Every failed write is a WriteFailedException, caught above, so this is the input (a folder given as standard
            // input, a read error).
            Console.Error.WriteLine($"error: standard input cannot be read ({e.Message.TrimEnd('.')})");
            return CommandRunner.InputError;
        }

        if (ignored > 0)
        {
            Console.Error.WriteLine($"warning: the input ended inside a frame; its last {ignored} byte(s) were ignored");
        }

        return 0;
    }
}

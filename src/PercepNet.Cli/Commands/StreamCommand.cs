using System.CommandLine;
using System.Runtime.InteropServices;
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
        var model = new Option<string?>("--model", "-m") { Description = "Model file (default: the embedded model)." };
        var knobs = new RuntimeOptions();
        var command = new Command("stream",
            "Denoise raw PCM from stdin to stdout as it arrives (e.g. arecord -f S16_LE -r 48000 | percepnet stream | aplay -f S16_LE -r 48000). "
            + "The output lags the input by the denoiser's latency (40 ms at 48 kHz).")
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
        DenoisePipeline pipeline;
        try
        {
            pipeline = new DenoisePipeline(ModelOptions.Load(modelPath), options, rate, channels, compensateDelay: false);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new UsageException(e.Message.Split(" (Parameter")[0]);
        }

        int bytesPerSample = asFloat ? 4 : 2;
        int frameBytes = bytesPerSample * channels;
        using Stream stdin = Console.OpenStandardInput();
        using Stream stdout = Console.OpenStandardOutput();
        var buffer = new byte[(rate / 100) * frameBytes]; // 10 ms
        int pending = 0;
        var samples = new float[buffer.Length / bytesPerSample];
        var ready = new List<float>();
        byte[] outBytes = [];
        while (true)
        {
            int n = stdin.Read(buffer, pending, buffer.Length - pending);
            bool end = n == 0;
            pending += n;
            int whole = pending / frameBytes * frameBytes;
            ready.Clear();
            if (whole > 0)
            {
                int count = whole / bytesPerSample;
                for (int i = 0; i < count; i++)
                {
                    samples[i] = asFloat ? BitConverter.ToSingle(buffer, i * 4) : BitConverter.ToInt16(buffer, i * 2) / 32768f;
                }

                pipeline.Process(samples.AsSpan(0, count), ready);
                Array.Copy(buffer, whole, buffer, 0, pending - whole);
                pending -= whole;
            }

            if (end)
            {
                pipeline.Finish(ready);
            }

            Write(stdout, CollectionsMarshal.AsSpan(ready), asFloat, ref outBytes);
            if (end)
            {
                break;
            }
        }

        return 0;
    }

    private static void Write(Stream stdout, ReadOnlySpan<float> samples, bool asFloat, ref byte[] bytes)
    {
        int size = samples.Length * (asFloat ? 4 : 2);
        if (bytes.Length < size)
        {
            bytes = new byte[size];
        }

        for (int i = 0; i < samples.Length; i++)
        {
            if (asFloat)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), samples[i]);
            }
            else
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i * 2), (short)Math.Clamp(MathF.Round(samples[i] * 32768f), short.MinValue, short.MaxValue));
            }
        }

        stdout.Write(bytes, 0, size);
        stdout.Flush();
    }
}

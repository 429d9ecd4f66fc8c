using PercepNet.Audio;
using PercepNet.Modelling;
using PercepNet.Network;

namespace PercepNet.Fuzz;

/// <summary>Small valid inputs for the harnesses, cut from one of the project's example recordings.</summary>
public static class Seeds
{
    public static void Write(string exampleWav, string outDir)
    {
        (float[] mono, int rate) = AudioFile.ReadMono(exampleWav);
        float[] snippet = mono[..Math.Min(mono.Length, rate / 20)]; // 50 ms
        string wav = Directory.CreateDirectory(Path.Combine(outDir, "wav")).FullName;
        WavWriter.WriteMono(Path.Combine(wav, "pcm16.wav"), snippet, rate);
        WavWriter.WriteMono(Path.Combine(wav, "float32.wav"), snippet, rate, WavSampleFormat.Float32);
        using (var writer = new WavWriter(Path.Combine(wav, "stereo.wav"), 16000, 2))
        {
            writer.Write([.. snippet.Take(800).SelectMany(v => new[] { v, -v })]);
            writer.Commit();
        }

        // FLAC by our encoder: mono 16-bit at 48 kHz (LPC frames), stereo 24-bit at 16 kHz (a decorrelation).
        string flac = Directory.CreateDirectory(Path.Combine(outDir, "flac")).FullName;
        using (var writer = new FlacWriter(Path.Combine(flac, "mono16.flac"), rate, 1, 16))
        {
            writer.Write(snippet);
            writer.Commit();
        }

        using (var writer = new FlacWriter(Path.Combine(flac, "stereo24.flac"), 16000, 2, 24))
        {
            writer.Write([.. snippet.Take(800).SelectMany(v => new[] { v, v * 0.5f })]);
            writer.Commit();
        }

        string model = Directory.CreateDirectory(Path.Combine(outDir, "model")).FullName;
        var shape = new ModelShape("tiny", 2, 2, 2, 2, 2, 2);
        ModelFile.Write(Path.Combine(model, "tiny-int8.pnm"), new StoredModel(RandomModel.Create(shape, 1), Quantisation.Int8, "seed"));
        ModelFile.Write(Path.Combine(model, "tiny-float32.pnm"), new StoredModel(RandomModel.Create(shape, 2), Quantisation.Float32, ""));

        string pcm = Directory.CreateDirectory(Path.Combine(outDir, "pcm")).FullName;
        byte[] s16 = new byte[1 + (snippet.Length * 2)];
        s16[0] = 3; // 48 kHz, mono, s16le
        for (int i = 0; i < snippet.Length; i++)
        {
            BitConverter.TryWriteBytes(s16.AsSpan(1 + (2 * i)), (short)Math.Clamp(snippet[i] * 32768f, short.MinValue, short.MaxValue));
        }

        File.WriteAllBytes(Path.Combine(pcm, "s16-48k-mono.raw"), s16);
        byte[] f32 = new byte[1 + (800 * 8)];
        f32[0] = 16 | 4 | 1; // 16 kHz, stereo, f32le
        for (int i = 0; i < 1600; i++)
        {
            BitConverter.TryWriteBytes(f32.AsSpan(1 + (4 * i)), snippet[i / 2]);
        }

        File.WriteAllBytes(Path.Combine(pcm, "f32-16k-stereo.raw"), f32);

        // A batch log as a shard writes it: a start, a file done and a file failed, then a line cut short.
        string log = Directory.CreateDirectory(Path.Combine(outDir, "batchlog")).FullName;
        const string Start = "{\"event\":\"start\",\"shard\":\"1-of-4\",\"inputs\":3,\"settings\":\"0123456789abcdef\",\"time\":\"2026-12-07T10:00:00.0000000Z\"}";
        const string Done = "{\"event\":\"file\",\"input\":\"/data/raw/a.wav\",\"output\":\"/data/cleaned/a.wav\",\"input_bytes\":96044,"
            + "\"input_modified\":\"2026-12-01T08:00:00.0000000Z\",\"output_sha256\":\"00ff\",\"audio_seconds\":1,\"wall_seconds\":0.05,"
            + "\"status\":\"done\",\"error\":null,\"settings\":\"0123456789abcdef\",\"finished\":\"2026-12-07T10:00:01.0000000Z\",\"shard\":\"1-of-4\"}";
        string failed = Done.Replace("a.wav", "b.wav", StringComparison.Ordinal).Replace("\"done\",\"error\":null", "\"failed\",\"error\":\"b.wav: truncated\"", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(log, "shard.jsonl"), $"{Start}\n{Done}\n{failed}\n{Done[..40]}");

        // Command lines, one word per line.
        string commandLines = Directory.CreateDirectory(Path.Combine(outDir, "cmdline")).FullName;
        File.WriteAllText(Path.Combine(commandLines, "denoise.txt"), "denoise\nin.wav\n-o\nout.wav\n--atten-lim-db\n12\n--postfilter-strength\n0.5");
        File.WriteAllText(Path.Combine(commandLines, "batch.txt"), "denoise\nraw\n--root\nraw\n-o\ncleaned\n--shard\n3/8\n-j\n2\n--spectrogram\npics");
        File.WriteAllText(Path.Combine(commandLines, "stream.txt"), "stream\n-r\n44100\n-c\n2\n-f\nf32le\n--silence-threshold-db\n-Infinity");
        File.WriteAllText(Path.Combine(commandLines, "typo.txt"), "denoize\n--atten-lim\nabc");
    }
}

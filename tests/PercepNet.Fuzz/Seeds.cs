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

        string model = Directory.CreateDirectory(Path.Combine(outDir, "model")).FullName;
        var shape = new ModelShape("tiny", 2, 2, 2, 2, 2, 2);
        ModelFileWriter.Write(Path.Combine(model, "tiny-int8.pnm"), new StoredModel(RandomModel.Create(shape, 1), Quantisation.Int8, "seed"));
        ModelFileWriter.Write(Path.Combine(model, "tiny-float32.pnm"), new StoredModel(RandomModel.Create(shape, 2), Quantisation.Float32, ""));

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
    }
}

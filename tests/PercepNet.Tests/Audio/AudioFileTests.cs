using PercepNet.Audio;

namespace PercepNet.Tests.Audio;

public sealed class AudioFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("percepnet-audio-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(8, false, false, 1.0 / 64)]
    [InlineData(16, false, false, 1e-4)]
    [InlineData(24, false, false, 1e-6)]
    [InlineData(32, false, false, 1e-6)]
    [InlineData(32, true, false, 1e-7)]
    [InlineData(64, true, false, 1e-7)]
    [InlineData(16, false, true, 1e-4)]
    [InlineData(24, false, true, 1e-6)]
    [InlineData(32, true, true, 1e-7)]
    public void ReadsEveryWavEncoding(int bits, bool isFloat, bool extensible, double tolerance)
    {
        const int Rate = 22050, Channels = 3;
        var samples = new float[Rate / 10 * Channels];
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] = 0.9f * MathF.Sin(i * 0.01f * ((i % Channels) + 1));
        }

        string path = Write($"t{bits}{isFloat}{extensible}.wav", WavFiles.Build(samples, Rate, Channels, bits, isFloat, extensible));
        using IAudioReader reader = AudioFile.OpenRead(path);
        Assert.Equal(Rate, reader.SampleRate);
        Assert.Equal(Channels, reader.Channels);
        Assert.Equal(samples.Length / Channels, reader.LengthFrames);
        var read = new float[samples.Length + 30];
        int frames = 0, got;
        // Odd block sizes exercise partial frames.
        while ((got = reader.Read(read.AsSpan(frames * Channels, Math.Min(100, read.Length - (frames * Channels))))) > 0)
        {
            frames += got;
        }

        Assert.Equal(samples.Length / Channels, frames);
        for (int i = 0; i < samples.Length; i++)
        {
            Assert.True(Math.Abs(samples[i] - read[i]) <= tolerance, $"sample {i}: {samples[i]} vs {read[i]}");
        }
    }

    [Theory]
    [InlineData(WavSampleFormat.Pcm16, 1.0 / 32768)]
    [InlineData(WavSampleFormat.Float32, 0)]
    public void WriterRoundTripsAndClampsPcm(WavSampleFormat format, double tolerance)
    {
        float[] samples = [0f, 0.5f, -0.5f, 0.25f, -1f, 0.999f];
        string path = Path.Combine(_directory, $"out-{format}.wav");
        WavWriter.WriteMono(path, samples, 48000, format);
        (float[] read, int rate) = AudioFile.ReadMono(path);
        Assert.Equal(48000, rate);
        Assert.Equal(samples.Length, read.Length);
        for (int i = 0; i < samples.Length; i++)
        {
            Assert.True(Math.Abs(samples[i] - read[i]) <= tolerance);
        }

        Assert.Single(Directory.GetFiles(_directory, $"*{format}*"));
    }

    [Fact]
    public void UncommittedWriterLeavesTheTargetUntouched()
    {
        string path = Write("keep.wav", [1, 2, 3]);
        using (var writer = new WavWriter(path, 48000, 1))
        {
            writer.Write([0.1f, 0.2f]);
        }

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(_directory));
    }

    public static TheoryData<string, byte[], string> BadFiles()
    {
        byte[] good = WavFiles.Build(new float[100], 16000, 1, 16, false, false);
        return new TheoryData<string, byte[], string>
        {
            { "empty.wav", [], "empty" },
            { "text.wav", "hello, not audio"u8.ToArray(), "unsupported format" },
            { "truncated.wav", good[..20], "WAV" },
            { "adpcm.wav", WithFormatTag(good, 2), "unsupported WAV encoding (ADPCM with 16 bits per sample)" },
            { "song.m4a", [0, 0, 0, 32, .. "ftypM4A "u8, .. new byte[40]], "unsupported format: an MP4/M4A file (AAC or ALAC); convert it to WAV or FLAC first" },
            { "take.aiff", [.. "FORM"u8, 0, 0, 0, 64, .. "AIFFCOMM"u8, .. new byte[40]], "unsupported format: AIFF;" },
            { "call.au", [.. ".snd"u8, .. new byte[40]], "unsupported format: Sun/NeXT AU;" },
            { "talk.aac", [0xFF, 0xF1, 0x50, 0x80, .. new byte[40]], "unsupported format: raw AAC (ADTS);" },
            { "voice.spx", OggFirstPage("Speex   "u8), "unsupported format: Ogg Speex;" },
            { "bad.ogg", [.. "OggS"u8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "truncated Ogg file" },
        };
    }

    /// <summary>The start of an Ogg file whose first page holds one packet beginning with <paramref name="packet"/>.</summary>
    private static byte[] OggFirstPage(ReadOnlySpan<byte> packet) =>
        [.. "OggS"u8, 0, 2, .. new byte[8], .. new byte[12], 1, 40, .. packet, .. new byte[40 - packet.Length]];

    private static byte[] WithFormatTag(byte[] wav, short tag)
    {
        var copy = (byte[])wav.Clone();
        BitConverter.GetBytes(tag).CopyTo(copy, 20);
        return copy;
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void BadFilesGiveOneLineNamingTheFile(string name, byte[] bytes, string problem)
    {
        string path = Write(name, bytes);
        var error = Assert.Throws<AudioFormatException>(() =>
        {
            using IAudioReader reader = AudioFile.OpenRead(path);
            var buffer = new float[4096];
            while (reader.Read(buffer) > 0)
            {
            }
        });
        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void MissingFileIsNamed()
    {
        string path = Path.Combine(_directory, "nope.wav");
        var error = Assert.Throws<AudioFormatException>(() => AudioFile.OpenRead(path));
        Assert.Equal($"{path}: file not found", error.Message);
    }

    [Theory]
    [InlineData(16000)]
    [InlineData(44100)]
    [InlineData(22050)]
    public void ResamplingTo48kKeepsTimingAndBandLimitedTones(int rate)
    {
        var x = new float[rate];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = MathF.Sin(2 * MathF.PI * 1000 * i / rate);
        }

        float[] y = Resampler.Resample(x, rate, 48000);
        Assert.Equal(48000, y.Length);
        double error = 0, power = 0;
        for (int i = 4800; i < 43200; i++)
        {
            double expected = Math.Sin(2 * Math.PI * 1000 * i / 48000.0);
            error += (y[i] - expected) * (y[i] - expected);
            power += expected * expected;
        }

        Assert.True(10 * Math.Log10(error / power) < -40, $"resampling error {10 * Math.Log10(error / power):F1} dB");
        float[] back = Resampler.Resample(y, 48000, rate);
        Assert.Equal(x.Length, back.Length);
    }
}

using PercepNet.Audio;

namespace PercepNet.Tests.Audio;

/// <summary>
/// MP3 and Ogg Vorbis decoding, on files the test encodes itself with the command-line encoders (lame, oggenc;
/// CI installs them). Lossy codecs change the waveform, so the checks are on format, length and the tone's
/// frequency and level, after the encoder's delay.
/// </summary>
public sealed class CompressedAudioTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("percepnet-codec-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static bool Available(string tool) => ChildProcess.IsInstalled(tool);

    private static void RunTool(string tool, params string[] args) => Assert.Equal(0, ChildProcess.Run(tool, args).Code);

    /// <summary>A copy of <paramref name="path"/> cut after <paramref name="share"/> of its bytes, as a recording interrupted.</summary>
    private string FirstPartOf(string path, double share)
    {
        byte[] bytes = File.ReadAllBytes(path);
        string cut = Path.Combine(_directory, "cut" + Path.GetExtension(path));
        File.WriteAllBytes(cut, bytes[..(int)(bytes.Length * share)]);
        return cut;
    }

    private static long FramesToTheEnd(IAudioReader reader)
    {
        var block = new float[4096 * reader.Channels];
        long frames = 0;
        int got;
        while ((got = reader.Read(block)) > 0)
        {
            frames += got;
        }

        return frames;
    }

    private static int PeakIndex(float[] x)
    {
        int peak = 0;
        for (int i = 0; i < x.Length; i++)
        {
            peak = Math.Abs(x[i]) > Math.Abs(x[peak]) ? i : peak;
        }

        return peak;
    }

    private string MakeToneWav(int rate, int channels, double seconds, double frequency)
    {
        int frames = (int)(rate * seconds);
        var samples = new float[frames * channels];
        for (int i = 0; i < frames; i++)
        {
            for (int c = 0; c < channels; c++)
            {
                samples[(i * channels) + c] = 0.5f * MathF.Sin((float)(2 * Math.PI * frequency * i / rate));
            }
        }

        string path = Path.Combine(_directory, $"tone{rate}x{channels}.wav");
        File.WriteAllBytes(path, WavFiles.Build(samples, rate, channels, 16, false, false));
        return path;
    }

    private static void CheckTone(string path, int rate, int channels, double seconds, double frequency)
    {
        using (IAudioReader reader = AudioFile.OpenRead(path))
        {
            Assert.Equal(rate, reader.SampleRate);
            Assert.Equal(channels, reader.Channels);
        }

        (float[] mono, int readRate) = AudioFile.ReadMono(path);
        Assert.Equal(rate, readRate);
        Assert.InRange(mono.Length, (int)(rate * seconds), (int)(rate * seconds) + (rate / 5));
        // Amplitude and frequency in the middle of the file (away from the codec's delay and edges).
        int start = mono.Length / 4, length = mono.Length / 2;
        double power = 0, cos = 0, sin = 0;
        for (int i = start; i < start + length; i++)
        {
            power += mono[i] * (double)mono[i];
            cos += mono[i] * Math.Cos(2 * Math.PI * frequency * i / rate);
            sin += mono[i] * Math.Sin(2 * Math.PI * frequency * i / rate);
        }

        double amplitude = 2 * Math.Sqrt((cos * cos) + (sin * sin)) / length;
        Assert.InRange(amplitude, 0.45, 0.55);
        // Nearly all the power is in the tone.
        Assert.InRange(amplitude * amplitude / 2 / (power / length), 0.95, 1.05);
    }

    [SkippableTheory]
    [InlineData(44100, 2)]
    [InlineData(16000, 1)]
    public void DecodesMp3(int rate, int channels)
    {
        Skip.IfNot(Available("lame"), "lame is not installed (CI installs it)");
        string wav = MakeToneWav(rate, channels, 1.5, 440);
        string mp3 = Path.Combine(_directory, "tone.mp3");
        RunTool("lame", "--quiet", "-b", "128", wav, mp3);
        CheckTone(mp3, rate, channels, 1.5, 440);
    }

    [SkippableTheory]
    [InlineData(48000, 1)]
    [InlineData(22050, 2)]
    public void DecodesOggVorbis(int rate, int channels)
    {
        Skip.IfNot(Available("oggenc"), "oggenc (vorbis-tools) is not installed (CI installs it)");
        string wav = MakeToneWav(rate, channels, 1.5, 440);
        string ogg = Path.Combine(_directory, "tone.ogg");
        RunTool("oggenc", "--quiet", "-q", "5", "-o", ogg, wav);
        CheckTone(ogg, rate, channels, 1.5, 440);
    }

    [SkippableFact]
    public void TruncatedMp3IsReadUpToTheCutOrNamedAsCorrupt()
    {
        Skip.IfNot(Available("lame"), "lame is not installed (CI installs it)");
        string wav = MakeToneWav(44100, 1, 1.0, 440);
        string mp3 = Path.Combine(_directory, "tone.mp3");
        RunTool("lame", "--quiet", wav, mp3);
        string cut = FirstPartOf(mp3, 0.5);
        try
        {
            (float[] mono, _) = AudioFile.ReadMono(cut);
            Assert.InRange(mono.Length, 44100 / 4, 44100 * 3 / 4);
        }
        catch (AudioFormatException e)
        {
            Assert.Contains(cut, e.Message);
        }
    }

    [SkippableTheory]
    [InlineData(44100)]
    [InlineData(16000)] // MPEG-2, as low-rate encoders write it
    public void AnMp3WithoutAnInfoHeaderLinesUpWithWhatWasEncoded(int rate)
    {
        // lame -t writes no Info header: the delay is not written down, and LAME's standard 576 samples (plus the
        // decoder's 529) are assumed. Without that, the audio came out 1,105 samples late.
        Skip.IfNot(Available("lame"), "lame is not installed (CI installs it)");
        int click = rate / 4;
        var samples = new float[rate];
        samples[click] = 0.9f;
        string wav = Path.Combine(_directory, "click.wav");
        File.WriteAllBytes(wav, WavFiles.Build(samples, rate, 1, 16, false, false));
        string mp3 = Path.Combine(_directory, "untagged.mp3");
        RunTool("lame", "--quiet", "-t", "--resample", (rate / 1000.0).ToString(System.Globalization.CultureInfo.InvariantCulture), wav, mp3);
        (float[] decoded, int decodedRate) = AudioFile.ReadMono(mp3);
        Assert.Equal(rate, decodedRate);
        int peak = PeakIndex(decoded);

        Assert.InRange(peak, click - 2, click + 2);
    }

    [SkippableFact]
    public void AnMp3CutShortOfItsInfoHeaderIsReadAsFarAsItGoesAndSaysSo()
    {
        Skip.IfNot(Available("lame"), "lame is not installed (CI installs it)");
        string wav = MakeToneWav(44100, 1, 2.0, 440);
        string mp3 = Path.Combine(_directory, "tone.mp3");
        RunTool("lame", "--quiet", wav, mp3);
        string cut = FirstPartOf(mp3, 0.5);
        using IAudioReader reader = AudioFile.OpenRead(cut);
        long frames = FramesToTheEnd(reader);

        Assert.InRange(frames, 44100 * 3 / 4, 44100 * 5 / 4);
        Assert.StartsWith("truncated MP3 file: its Info header promises 2.00 s of audio, the file holds ", reader.Truncation);
    }

    [SkippableFact]
    public void AnOggCutInsideAPageIsReadUpToItAndSaysSo()
    {
        Skip.IfNot(Available("oggenc"), "oggenc (vorbis-tools) is not installed (CI installs it)");
        // 20 s: pages of a few kilobytes each, so that the cut falls after many whole pages of audio.
        string wav = MakeToneWav(44100, 1, 20.0, 440);
        string ogg = Path.Combine(_directory, "tone.ogg");
        RunTool("oggenc", "--quiet", "-o", ogg, wav);
        string cut = FirstPartOf(ogg, 0.6);
        using IAudioReader reader = AudioFile.OpenRead(cut);
        Assert.StartsWith("truncated Ogg file: cut inside the page at byte ", reader.Truncation);
        long frames = FramesToTheEnd(reader);

        Assert.InRange(frames, 44100 * 8, 44100 * 16);
        Assert.Equal(frames, reader.LengthFrames);
    }

    [SkippableTheory]
    [InlineData("-b", "128")]
    [InlineData("-V", "2")]
    [InlineData("-m", "m")]
    public void LameMp3LinesUpWithWhatWasEncoded(string option, string value)
    {
        // lame writes its encoder delay and padding in the Info frame; the decoder adds 529 samples of its own.
        Skip.IfNot(Available("lame"), "lame is not installed (CI installs it)");
        const int Rate = 44100, Click = 10000;
        var samples = new float[2 * Rate];
        samples[Click] = 0.9f;
        string wav = Path.Combine(_directory, "click.wav");
        File.WriteAllBytes(wav, WavFiles.Build(samples, Rate, 1, 16, false, false));
        string mp3 = Path.Combine(_directory, "click.mp3");
        RunTool("lame", "--quiet", option, value, wav, mp3);
        (float[] decoded, _) = AudioFile.ReadMono(mp3);
        Assert.Equal(samples.Length, decoded.Length);
        int peak = PeakIndex(decoded);

        Assert.Equal(Click, peak);
        using IAudioReader reader = AudioFile.OpenRead(mp3);
        Assert.Equal(samples.Length, reader.LengthFrames);
    }

    [SkippableTheory]
    [InlineData(44100, 1)]
    [InlineData(48000, 2)]
    public void OggVorbisLinesUpWithWhatWasEncodedAndMatchesNVorbisOwnReader(int rate, int channels)
    {
        // The reader decodes without NVorbis's end trimming and cuts at the last granule position itself: the result
        // must be the encoded length exactly, the click where it was, and every sample NVorbis's own reader gives.
        Skip.IfNot(Available("oggenc"), "oggenc (vorbis-tools) is not installed (CI installs it)");
        const int Click = 10000;
        int frames = (2 * rate) + 123;
        var samples = new float[frames * channels];
        for (int c = 0; c < channels; c++)
        {
            samples[(Click * channels) + c] = 0.9f;
        }

        string wav = Path.Combine(_directory, "click.wav");
        File.WriteAllBytes(wav, WavFiles.Build(samples, rate, channels, 16, false, false));
        string ogg = Path.Combine(_directory, "click.ogg");
        RunTool("oggenc", "--quiet", "-q", "3", "-o", ogg, wav);

        (float[] decoded, _) = AudioFile.ReadMono(ogg);
        Assert.Equal(frames, decoded.Length);
        int peak = PeakIndex(decoded);

        Assert.Equal(Click, peak);

        using var reference = new NVorbis.VorbisReader(ogg);
        var expected = new float[(frames + 8192) * channels];
        int expectedCount = 0, n;
        while ((n = reference.ReadSamples(expected, expectedCount, expected.Length - expectedCount)) > 0)
        {
            expectedCount += n;
        }

        using IAudioReader reader = AudioFile.OpenRead(ogg);
        var actual = new float[expected.Length];
        int actualFrames = 0, got;
        while ((got = reader.Read(actual.AsSpan((actualFrames * channels)..((actualFrames + 1000) * channels)))) > 0)
        {
            actualFrames += got;
        }

        Assert.Equal(expectedCount, actualFrames * channels);
        Assert.True(expected.AsSpan(0, expectedCount).SequenceEqual(actual.AsSpan(0, expectedCount)));
    }
}

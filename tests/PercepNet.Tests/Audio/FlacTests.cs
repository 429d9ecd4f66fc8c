using PercepNet.Audio;
using PercepNet.Audio.Flac;

namespace PercepNet.Tests.Audio;

/// <summary>
/// FLAC against Debian's reference encoder and decoder (flac; CI installs it): files it makes at several levels, bit
/// depths and channel counts decode here to exactly the samples it was given, and files written here pass its test
/// and decode there to exactly the samples meant.
/// </summary>
public sealed class FlacTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("percepnet-flac-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static void RunFlac(params string[] args)
    {
        ChildProcess.Result result = ChildProcess.Run("flac", args);
        Assert.True(result.Code == 0, result.Output);
    }

    /// <summary>
    /// Integer samples that exercise every subframe type: a chirp with a little noise (LPC), a stretch of silence
    /// (constant), white noise at full scale (verbatim or escapes), and channels that share most of their content
    /// (the stereo decorrelations).
    /// </summary>
    internal static long[] Signal(int frames, int channels, int bits, int seed)
    {
        var random = new Random(seed);
        long top = (1L << (bits - 1)) - 1, bottom = -(1L << (bits - 1));
        var samples = new long[frames * channels];
        for (int i = 0; i < frames; i++)
        {
            double t = i / 48000.0;
            double common = 0.5 * Math.Sin(2 * Math.PI * (200 + (3000 * t)) * t);
            for (int c = 0; c < channels; c++)
            {
                double v = i < frames / 4 ? common + (0.05 * c * Math.Sin(2 * Math.PI * 50 * (c + 1) * t)) + (0.01 * ((2 * random.NextDouble()) - 1))
                    : i < frames / 2 ? 0
                    : i < 3 * frames / 4 ? (2 * random.NextDouble()) - 1
                    : (0.3 * common) + (0.2 * Math.Sin(2 * Math.PI * 440 * (c + 1) * t));
                samples[(i * channels) + c] = Math.Clamp((long)Math.Round(v * top), bottom, top);
            }
        }

        return samples;
    }

    /// <summary>The samples as a WAV file encoded by the reference encoder with <paramref name="options"/>; returns the FLAC's path.</summary>
    private string EncodeWithFlac(long[] samples, int rate, int channels, int bits, params string[] options)
    {
        string wav = Path.Combine(_directory, "in.wav"), flac = Path.Combine(_directory, "in.flac");
        File.WriteAllBytes(wav, WavFiles.Build(AsFloats(samples, bits), rate, channels, bits, false, channels > 2));
        RunFlac(["-s", "--channel-map=none", "-f", .. options, "-o", flac, wav]);
        return flac;
    }

    private static float[] AsFloats(long[] samples, int bits) => [.. samples.Select(v => (float)(v / (double)(1L << (bits - 1))))];

    private static long[] DecodeHere(string path, out IAudioReader reader)
    {
        reader = AudioFile.OpenRead(path);
        var all = new List<long>();
        var block = new float[1000 * reader.Channels];
        int bits = ((FlacReader)reader).BitsPerSample;
        int got;
        while ((got = reader.Read(block)) > 0)
        {
            all.AddRange(block.AsSpan(0, got * reader.Channels).ToArray().Select(v => (long)Math.Round(v * (double)(1L << (bits - 1)))));
        }

        return [.. all];
    }

    [SkippableTheory]
    [InlineData(8, 1, 0)]
    [InlineData(16, 1, 5)]
    [InlineData(16, 2, 0)]
    [InlineData(16, 2, 5)]
    [InlineData(16, 2, 8)]
    [InlineData(24, 2, 8)]
    [InlineData(24, 1, 0)]
    [InlineData(16, 6, 5)]
    [InlineData(24, 6, 8)]
    [InlineData(8, 3, 8)]
    public void FilesMadeByTheReferenceEncoderDecodeToTheSamplesItWasGiven(int bits, int channels, int level)
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        const int Frames = 20000;
        long[] expected = Signal(Frames, channels, bits, (bits * 10) + channels);
        string flac = EncodeWithFlac(expected, 44100, channels, bits, $"-{level}");

        long[] decoded = DecodeHere(flac, out IAudioReader reader);
        using (reader)
        {
            Assert.Equal((44100, channels, (long?)Frames), (reader.SampleRate, reader.Channels, reader.LengthFrames));
            Assert.Null(reader.Truncation);
            Assert.Null(reader.ChecksumMismatch);
        }

        Assert.Equal(expected, decoded);
    }

    [SkippableTheory]
    [InlineData(192)]
    [InlineData(1000)]
    [InlineData(4608)]
    [InlineData(16384)]
    public void EveryBlockSizeCodeDecodes(int blockSize)
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        long[] expected = Signal(40000, 2, 16, blockSize);
        string flac = EncodeWithFlac(expected, 22050, 2, 16, "--lax", "-b", blockSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, DecodeHere(flac, out IAudioReader reader));
        reader.Dispose();
    }

    [SkippableFact]
    public void WhatTheReferenceDecoderGivesIsWhatWeGive()
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        long[] signal = Signal(30000, 2, 24, 9);
        string flac = EncodeWithFlac(signal, 48000, 2, 24, "-8"), back = Path.Combine(_directory, "back.wav");
        RunFlac("-s", "-d", "-f", "-o", back, flac);
        (float[] reference, _) = AudioFile.ReadMono(back);
        (float[] ours, _) = AudioFile.ReadMono(flac);
        Assert.Equal(reference, ours);
    }

    [SkippableFact]
    public void ACutFileKeepsTheFramesBeforeTheCutAndSaysSo()
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        long[] signal = Signal(48000, 1, 16, 3);
        string flac = EncodeWithFlac(signal, 48000, 1, 16, "-5"), cut = Path.Combine(_directory, "cut.flac");
        byte[] bytes = File.ReadAllBytes(flac);
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 6 / 10)]);

        long[] decoded = DecodeHere(cut, out IAudioReader reader);
        using (reader)
        {
            Assert.StartsWith("truncated FLAC file: cut inside the frame at byte ", reader.Truncation);
            Assert.Null(reader.ChecksumMismatch); // not computed over part of the stream
        }

        Assert.True(decoded.Length > 4096 && decoded.Length < signal.Length && decoded.Length % 4096 == 0, $"{decoded.Length}");
        Assert.Equal(signal[..decoded.Length], decoded);
    }

    [SkippableFact]
    public void AnMd5MismatchIsReportedAndADamagedFrameIsRefused()
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        long[] signal = Signal(20000, 2, 16, 4);
        string flac = EncodeWithFlac(signal, 48000, 2, 16, "-5");
        byte[] bytes = File.ReadAllBytes(flac);

        // The MD5 sits in STREAMINFO's last 16 bytes: 4 (fLaC) + 4 (block header) + 18.
        byte[] wrongSum = (byte[])bytes.Clone();
        wrongSum[4 + 4 + 18] ^= 0x01;
        string md5 = Path.Combine(_directory, "md5.flac");
        File.WriteAllBytes(md5, wrongSum);
        Assert.Equal(signal, DecodeHere(md5, out IAudioReader reader));
        using (reader)
        {
            Assert.Contains("MD5", reader.ChecksumMismatch);
        }

        byte[] damaged = (byte[])bytes.Clone();
        damaged[bytes.Length * 3 / 4] ^= 0x10;
        string bad = Path.Combine(_directory, "bad.flac");
        File.WriteAllBytes(bad, damaged);
        var error = Assert.Throws<AudioFormatException>(() => DecodeHere(bad, out IAudioReader _));
        Assert.StartsWith($"{bad}: not a readable FLAC file (", error.Message);
    }

    /// <summary>Writes <paramref name="samples"/> with our encoder and returns the file.</summary>
    private string EncodeHere(long[] samples, int rate, int channels, int bits, string name = "ours.flac")
    {
        string path = Path.Combine(_directory, name);
        using var writer = new FlacWriter(path, rate, channels, bits);
        float[] floats = AsFloats(samples, bits);
        for (int at = 0; at < floats.Length; at += 999 * channels)
        {
            writer.Write(floats.AsSpan(at, Math.Min(999 * channels, floats.Length - at))); // blocks that straddle frames
        }

        writer.Commit();
        return path;
    }

    /// <summary>The reference decoder's samples of a FLAC file, read from the WAV it writes (8-bit WAV is unsigned).</summary>
    private long[] DecodeWithFlac(string flac, int bits)
    {
        string back = Path.Combine(_directory, "back.raw");
        RunFlac("-s", "-d", "-f", "--force-raw-format", "--endian=little", "--sign=signed", "-o", back, flac);
        byte[] raw = File.ReadAllBytes(back);
        int bytes = (bits + 7) / 8;
        var samples = new long[raw.Length / bytes];
        for (int i = 0; i < samples.Length; i++)
        {
            long v = 0;
            for (int k = 0; k < bytes; k++)
            {
                v |= (long)raw[(i * bytes) + k] << (8 * k);
            }

            int shift = 64 - (8 * bytes);
            samples[i] = (v << shift) >> shift;
        }

        return samples;
    }

    [SkippableTheory]
    [InlineData(16, 1, 48000, 20000)]
    [InlineData(16, 2, 44100, 30000)]
    [InlineData(24, 2, 96000, 9000)]
    [InlineData(8, 1, 8000, 4097)]
    [InlineData(24, 6, 48000, 12000)]
    [InlineData(32, 2, 48000, 8192)]
    [InlineData(12, 3, 12345, 5000)]
    [InlineData(16, 1, 22050, 1)]
    [InlineData(20, 8, 192000, 4095)]
    public void FilesWrittenHerePassTheReferenceTestAndDecodeThereToWhatWasMeant(int bits, int channels, int rate, int frames)
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        // What float samples mean in 32 bits is their value rounded to the grid (a float has 24 bits of mantissa).
        long[] expected = [.. AsFloats(Signal(frames, channels, bits, frames + bits), bits)
            .Select(v => Math.Clamp((long)Math.Round(v * (double)(1L << (bits - 1))), -(1L << (bits - 1)), (1L << (bits - 1)) - 1))];
        string flac = EncodeHere(expected, rate, channels, bits);
        RunFlac("-s", "-t", flac); // frame CRCs, and the MD5 of what we meant against what flac decodes
        if (bits % 8 == 0)
        {
            Assert.Equal(expected, DecodeWithFlac(flac, bits)); // flac writes raw samples in whole bytes only
        }

        Assert.Equal(expected, DecodeHere(flac, out IAudioReader reader));
        using (reader)
        {
            Assert.Equal((rate, channels, (long?)frames, bits), (reader.SampleRate, reader.Channels, reader.LengthFrames, ((FlacReader)reader).BitsPerSample));
            Assert.Null(reader.ChecksumMismatch);
        }
    }

    [SkippableFact]
    public void OurFilesAreAboutAsSmallAsTheReferenceEncodersDefault()
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        // Speech-like material: a voiced signal over a little noise, in stereo with different levels.
        float[] voice = SyntheticSignals.Voiced([new(1.5, 120, 180), new(1.0, 200, 140)], 7).Signal;
        var random = new Random(8);
        long[] samples = new long[voice.Length * 2];
        for (int i = 0; i < voice.Length; i++)
        {
            double noise = 0.003 * SyntheticSignals.Gaussian(random);
            samples[2 * i] = (long)Math.Round((0.5 * voice[i] + noise) * 32767);
            samples[(2 * i) + 1] = (long)Math.Round((0.4 * voice[i] + noise) * 32767);
        }

        long ours = new FileInfo(EncodeHere(samples, 48000, 2, 16)).Length;
        long reference = new FileInfo(EncodeWithFlac(samples, 48000, 2, 16, "-5")).Length;
        Assert.True(ours < reference * 1.05, $"ours {ours} bytes, flac -5 {reference} bytes");
    }

    [SkippableFact]
    public void AStreamThatCannotSeekGetsAnOpenLengthAndStillDecodes()
    {
        Skip.IfNot(ChildProcess.IsInstalled("flac"), "flac is not installed (CI installs it)");
        long[] expected = Signal(10000, 2, 16, 12);
        string path = Path.Combine(_directory, "piped.flac");
        using (var file = File.Create(path))
        using (var pipe = new ForwardOnlyStream(file))
        using (var writer = new FlacWriter(pipe, 48000, 2, 16))
        {
            writer.Write(AsFloats(expected, 16));
            writer.Commit();
        }

        RunFlac("-s", "-t", path);
        Assert.Equal(expected, DecodeHere(path, out IAudioReader reader));
        using (reader)
        {
            Assert.Null(reader.LengthFrames);
        }
    }

    /// <summary>A write-only stream that cannot seek, as a pipe.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}

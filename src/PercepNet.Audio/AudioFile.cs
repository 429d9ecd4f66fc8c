namespace PercepNet.Audio;

/// <summary>Opens audio files by content (not by extension) and reads or writes whole signals where that is wanted.</summary>
public static class AudioFile
{
    /// <summary>Opens WAV, FLAC, MP3 or Ogg Vorbis, recognised by the first bytes of the file.</summary>
    public static IAudioReader OpenRead(string path)
    {
        if (Directory.Exists(path))
        {
            throw new AudioFormatException(path, "is a directory, not an audio file");
        }

        if (!File.Exists(path))
        {
            throw new AudioFormatException(path, "file not found");
        }

        if (new FileInfo(path).Length == 0)
        {
            // Also a pipe or a device, which report no length: a FIFO would wait for a writer for ever and a device could be
            // endless. A regular file of audio always has a header.
            throw new AudioFormatException(path, "is empty, or is not a regular file (a pipe or a device; pipe audio into 'percepnet stream')");
        }

        Span<byte> head = stackalloc byte[12];
        int got;
        try
        {
            using FileStream probe = File.OpenRead(path);
            got = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot be read ({e.Message.TrimEnd('.')})", e);
        }

        if (got == 0)
        {
            throw new AudioFormatException(path, "file is empty");
        }

        head = head[..got];
        if (got >= 12 && head[..4].SequenceEqual("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return new WavReader(path);
        }

        if (got >= 4 && head[..4].SequenceEqual("OggS"u8))
        {
            return new OggVorbisReader(path);
        }

        if (got >= 4 && head[..4].SequenceEqual("fLaC"u8))
        {
            return new Flac.FlacReader(path);
        }

        if (got >= 10 && head[..3].SequenceEqual("ID3"u8) && FollowsId3Tag(path, head, "fLaC"u8))
        {
            return new Flac.FlacReader(path);
        }

        if ((got >= 3 && head[..3].SequenceEqual("ID3"u8)) || (got >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0))
        {
            return new Mp3Reader(path);
        }

        if (got >= 4 && (head[..4].SequenceEqual("RIFF"u8) || head[..4].SequenceEqual("RIFX"u8) || head[..4].SequenceEqual("RF64"u8)))
        {
            throw new AudioFormatException(path, "RIFF file that is not a little-endian WAVE file (or is truncated)");
        }

        throw new AudioFormatException(path, "unsupported format (expected WAV, FLAC, MP3 or Ogg Vorbis)");
    }

    /// <summary>Opens a file for a reader; a failure names the file and says why.</summary>
    internal static FileStream OpenInput(string path)
    {
        try
        {
            return File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(path, $"cannot be read ({e.Message.TrimEnd('.')})", e);
        }
    }

    /// <summary>Whether <paramref name="marker"/> follows the ID3v2 tag that <paramref name="head"/> begins.</summary>
    private static bool FollowsId3Tag(string path, ReadOnlySpan<byte> head, ReadOnlySpan<byte> marker)
    {
        long size = 10 + ((head[6] & 0x7F) << 21) + ((head[7] & 0x7F) << 14) + ((head[8] & 0x7F) << 7) + (head[9] & 0x7F) + ((head[5] & 0x10) != 0 ? 10 : 0);
        Span<byte> found = stackalloc byte[marker.Length];
        try
        {
            using FileStream probe = File.OpenRead(path);
            if (probe.Length < size + marker.Length)
            {
                return false;
            }

            probe.Position = size;
            return probe.ReadAtLeast(found, found.Length, throwOnEndOfStream: false) == found.Length && found.SequenceEqual(marker);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Reads a whole file, mixed down to mono, at its own rate.</summary>
    public static (float[] Samples, int SampleRate) ReadMono(string path)
    {
        (float[] samples, int rate, _) = ReadMonoWithChannels(path);
        return (samples, rate);
    }

    /// <summary>Reads a whole file, mixed down to mono, at its own rate, and says how many channels it had.</summary>
    public static (float[] Samples, int SampleRate, int Channels) ReadMonoWithChannels(string path)
    {
        using IAudioReader reader = OpenRead(path);
        var samples = new List<float>((int)Math.Min(reader.LengthFrames ?? 48000, 1 << 26));
        var block = new float[4096 * reader.Channels];
        var mono = new float[4096];
        int frames;
        while ((frames = reader.Read(block)) > 0)
        {
            ChannelMix.ToMono(block.AsSpan(0, frames * reader.Channels), reader.Channels, mono.AsSpan(0, frames));
            samples.AddRange(mono.AsSpan(0, frames));
        }

        if (samples.Count == 0)
        {
            throw new AudioFormatException(path, "contains no audio samples");
        }

        return ([.. samples], reader.SampleRate, reader.Channels);
    }

    /// <summary>Reads a whole file as mono at 48 kHz (resampled when needed).</summary>
    public static float[] ReadMono48k(string path)
    {
        (float[] samples, int rate) = ReadMono(path);
        return Resampler.Resample(samples, rate, Denoiser.SampleRate);
    }
}

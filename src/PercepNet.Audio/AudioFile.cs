namespace PercepNet.Audio;

/// <summary>Opens audio files by content (not by extension) and reads or writes whole signals where that is wanted.</summary>
public static class AudioFile
{
    /// <summary>The input name that means standard input.</summary>
    public const string StandardInput = "-";

    /// <summary>The largest ID3v2 tag read through before the audio of a stream (cover pictures included).</summary>
    private const int MostTagBytes = 16 << 20;

    /// <summary>
    /// Opens WAV, FLAC, MP3, Ogg Vorbis or Ogg Opus, recognised by the first bytes of the file. "-" reads standard input, and a
    /// named pipe (a FIFO, a shell's process substitution) is read as a stream: see <see cref="OpenRead(Stream, string)"/>.
    /// </summary>
    public static IAudioReader OpenRead(string path)
    {
        if (path == StandardInput)
        {
            return OpenRead(Console.OpenStandardInput(), "standard input");
        }

        if (Directory.Exists(path))
        {
            throw new AudioFormatException(path, "is a directory, not an audio file");
        }

        if (!File.Exists(path))
        {
            throw new AudioFormatException(path, "file not found");
        }

        if (!IsNonEmptyFile(path))
        {
            // A pipe is read as a stream once a program writes to it; a device could be endless, and an empty file holds nothing.
            Stream pipe = PipeInput.TryOpen(path)
                ?? throw new AudioFormatException(path, "is empty, or is not a regular file or a pipe (a device)");
            return OpenRead(pipe, path);
        }

        Span<byte> head = stackalloc byte[64];
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
        bool flacAfterTag = got >= 10 && head[..3].SequenceEqual("ID3"u8) && FollowsId3Tag(path, head, "fLaC"u8);
        return Recognise(head, flacAfterTag) switch
        {
            Container.Wav => new WavReader(path),
            Container.Flac => new Flac.FlacReader(path),
            Container.OggOpus => new OggOpusReader(path),
            Container.OggVorbis => new OggVorbisReader(path),
            Container.Mp3 => new Mp3Reader(path),
            Container.OtherRiff => throw new AudioFormatException(path, "RIFF file that is not a little-endian WAVE file (or is truncated)"),
            _ => throw new AudioFormatException(path, Unsupported(head)),
        };
    }

    /// <summary>The formats recognised by their first bytes.</summary>
    private enum Container
    {
        Unknown,
        Wav,
        Flac,
        OggOpus,
        OggVorbis,
        Mp3,
        OtherRiff,
    }

    /// <summary>
    /// The format that the first bytes of a file or stream announce; <paramref name="flacAfterTag"/> says whether an
    /// ID3 tag at the start is followed by FLAC rather than MP3.
    /// </summary>
    private static Container Recognise(ReadOnlySpan<byte> head, bool flacAfterTag)
    {
        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head.Slice(8, 4).SequenceEqual("WAVE"u8))
        {
            return Container.Wav;
        }

        if (head.StartsWith("fLaC"u8) || flacAfterTag)
        {
            return Container.Flac;
        }

        if (IsOggOpus(head))
        {
            return Container.OggOpus;
        }

        if (head.StartsWith("OggS"u8) && OtherOggCodec(head) is null)
        {
            return Container.OggVorbis;
        }

        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0))
        {
            return Container.Mp3;
        }

        return head.StartsWith("RIFF"u8) || head.StartsWith("RIFX"u8) || head.StartsWith("RF64"u8) ? Container.OtherRiff : Container.Unknown;
    }

    /// <summary>The length of the ID3v2 tag that <paramref name="head"/> (at least 10 bytes) begins, its header and footer included.</summary>
    private static int Id3TagSize(ReadOnlySpan<byte> head) =>
        10 + ((head[6] & 0x7F) << 21) + ((head[7] & 0x7F) << 14) + ((head[8] & 0x7F) << 7) + (head[9] & 0x7F) + ((head[5] & 0x10) != 0 ? 10 : 0);

    /// <summary>
    /// Whether <paramref name="path"/> leads, through any links, to a regular file with bytes in it: not a pipe (a
    /// FIFO, or a /dev/fd link to one), a device, or an empty file, all of which report no length.
    /// </summary>
    internal static bool IsNonEmptyFile(string path)
    {
        if (path == StandardInput)
        {
            return false;
        }

        var info = new FileInfo(path);
        try
        {
            // A link's own size is its target's name: look at what it leads to (a pipe's name leads nowhere).
            if (info.LinkTarget is not null)
            {
                if (info.ResolveLinkTarget(returnFinalTarget: true) is not FileInfo target)
                {
                    return false; // a link to a folder
                }

                info = target;
            }
        }
        catch (IOException)
        {
            return false;
        }

        return info.Exists && info.Length > 0;
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
        long size = Id3TagSize(head);
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

    /// <summary>
    /// Opens audio read front to back from <paramref name="stream"/> (standard input, a pipe), naming it
    /// <paramref name="name"/> in errors. The format is found from the first bytes, which are then given back to its
    /// reader: WAV (an unknown length too) and FLAC are decoded as the bytes arrive; MP3 and Ogg Vorbis, whose readers
    /// look ahead, are first copied to a temporary file that is deleted when the reader is disposed. The reader disposes
    /// the stream.
    /// </summary>
    /// <param name="stream">The audio.</param>
    /// <param name="name">What errors call it.</param>
    /// <returns>The reader.</returns>
    /// <exception cref="AudioFormatException">The stream is empty, cannot be read, or is not audio of a known format.</exception>
    public static IAudioReader OpenRead(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            byte[] head = new byte[64];
            int got = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (got == 0)
            {
                throw new AudioFormatException(name, "is empty");
            }

            byte[] prefix = head[..got];
            bool flacAfterTag = false;
            if (got >= 10 && head.AsSpan(0, 3).SequenceEqual("ID3"u8))
            {
                // What follows the tag decides between MP3 and FLAC: the tag is read (and kept) to see.
                int size = Id3TagSize(head);
                if (size > MostTagBytes)
                {
                    throw new AudioFormatException(name, $"starts with an ID3 tag of {size} bytes, more than the {MostTagBytes >> 20} MB read through");
                }

                var tagged = new byte[Math.Max(size + 4, got)];
                prefix.CopyTo(tagged, 0);
                int more = stream.ReadAtLeast(tagged.AsSpan(got), tagged.Length - got, throwOnEndOfStream: false);
                prefix = tagged[..(got + more)];
                flacAfterTag = prefix.Length == tagged.Length && tagged.AsSpan(size, 4).SequenceEqual("fLaC"u8);
            }

            Stream replay = new PrefixedStream(prefix, stream);
            return Recognise(head.AsSpan(0, got), flacAfterTag) switch
            {
                Container.Wav => new WavReader(replay, name),
                Container.Flac => new Flac.FlacReader(replay, name),
                Container.OggOpus => new OggOpusReader(replay, name),
                Container.OggVorbis => new OggVorbisReader(Spooled(replay, name), name),
                Container.Mp3 => new Mp3Reader(Spooled(replay, name), name),
                Container.OtherRiff => throw new AudioFormatException(name, "RIFF stream that is not a little-endian WAVE file (or is truncated)"),
                _ => throw new AudioFormatException(name, Unsupported(head.AsSpan(0, got))),
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw new AudioFormatException(name, $"cannot be read ({e.Message.TrimEnd('.')})", e);
        }
        catch (AudioFormatException)
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What a file that is not WAV, FLAC, MP3, Ogg Vorbis or Ogg Opus is, when its first bytes say, and how to
    /// convert it: the whole message of its error.
    /// </summary>
    private static string Unsupported(ReadOnlySpan<byte> head)
    {
        static bool Holds(ReadOnlySpan<byte> bytes, int offset, ReadOnlySpan<byte> marker) =>
            bytes.Length >= offset + marker.Length && bytes.Slice(offset, marker.Length).SequenceEqual(marker);
        string? kind = Holds(head, 4, "ftyp"u8) ? "an MP4/M4A file (AAC or ALAC)"
            : head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xF6) == 0xF0 ? "raw AAC (ADTS)"
            : Holds(head, 0, "FORM"u8) && (Holds(head, 8, "AIFF"u8) || Holds(head, 8, "AIFC"u8)) ? "AIFF"
            : Holds(head, 0, "caff"u8) ? "Core Audio (CAF)"
            : Holds(head, 0, "wvpk"u8) ? "WavPack"
            : Holds(head, 0, "MAC "u8) ? "Monkey's Audio (APE)"
            : Holds(head, 0, ".snd"u8) ? "Sun/NeXT AU"
            : Holds(head, 0, "#!AMR"u8) ? "AMR"
            : Holds(head, 0, [0x30, 0x26, 0xB2, 0x75, 0x8E, 0x66, 0xCF, 0x11]) ? "WMA (ASF)"
            : Holds(head, 0, [0x1A, 0x45, 0xDF, 0xA3]) ? "Matroska/WebM (as browsers record)"
            : Holds(head, 0, "RIFF"u8) && Holds(head, 8, "AVI "u8) ? "AVI video"
            : Holds(head, 0, "OggS"u8) ? OtherOggCodec(head)
            : null;
        return kind is null
            ? "unsupported format (WAV, FLAC, MP3, Ogg Vorbis and Ogg Opus are read)"
            : $"unsupported format: {kind}; convert it to WAV or FLAC first (for example: ffmpeg -i FILE out.flac)";
    }

    /// <summary>The codec of an Ogg file's first stream when it is neither Vorbis nor Opus (Speex, FLAC, Theora …); null otherwise or when the first page does not say.</summary>
    private static string? OtherOggCodec(ReadOnlySpan<byte> head)
    {
        if (head.Length < 36 || head[26] != 1)
        {
            return null;
        }

        ReadOnlySpan<byte> packet = head[28..];
        return packet.StartsWith("\u0001vorbis"u8) || packet.StartsWith("OpusHead"u8) ? null
            : packet.StartsWith("Speex   "u8) ? "Ogg Speex"
            : packet.StartsWith("\u007FFLAC"u8) ? "Ogg FLAC"
            : packet.StartsWith("\u0080theora"u8) ? "Ogg Theora video"
            : "an Ogg stream that is neither Vorbis nor Opus";
    }

    /// <summary>Whether the first page of an Ogg file holds an OpusHead (a first page of one segment, by the format's rule).</summary>
    private static bool IsOggOpus(ReadOnlySpan<byte> head) =>
        head.Length >= 36 && head[..4].SequenceEqual("OggS"u8) && head[26] == 1 && head.Slice(28, 8).SequenceEqual("OpusHead"u8);

    /// <summary>The whole stream copied to a temporary file that is deleted when closed; the stream is disposed.</summary>
    private static FileStream Spooled(Stream stream, string name)
    {
        string path = Path.Combine(Path.GetTempPath(), $"percepnet-input-{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new AudioFormatException(name, $"cannot be copied to a temporary file ({e.Message.TrimEnd('.')})", e);
        }

        try
        {
            using (stream)
            {
                stream.CopyTo(file);
            }

            file.Position = 0;
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
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

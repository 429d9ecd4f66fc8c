using PercepNet.Audio;
using PercepNet.Network;

namespace PercepNet.Fuzz;

/// <summary>
/// What each harness does with one input. An exception other than the reader's own "bad input" exception is a bug
/// (AFL counts it as a crash), and so are a hang and a decoder call the watchdog had to give up on.
/// </summary>
public static class Harnesses
{
    public static IReadOnlyList<string> Names { get; } = ["wav", "mp3", "ogg", "flac", "opus", "stdin", "model", "pcm", "batchlog", "cmdline"];

    public static Action<Stream> Get(string name)
    {
        Action<Stream> harness = Harness(name);
        return stream =>
        {
            // A decoder stuck in a call is given up on after 0.2 s (the tools wait 30 s; a healthy call here takes milliseconds), well inside afl-fuzz's
            // 5-second limit, so that what is reported as a hang is one the watchdog does not catch. Set here, inside
            // the run, because instrumented code may only run once afl-fuzz has started the target.
            DecoderWatchdog.DefaultPatience = TimeSpan.FromMilliseconds(200);
            long abandoned = DecoderWatchdog.Abandoned;
            harness(stream);

            // The watchdog keeps a stalled decoder from hanging the tools, but a user would have waited 30 s for it and
            // its thread spins on: a stall is a finding (AFL saves it as a crash), to be refused before the decoder.
            if (DecoderWatchdog.Abandoned != abandoned)
            {
                throw new DecoderStalledException();
            }
        };
    }

    private static Action<Stream> Harness(string name) => name switch
    {
        "wav" => stream => ReadAll(() => new WavReader(Buffered(stream), "input.wav")),
        "mp3" => stream => ReadAll(() => new Mp3Reader(Buffered(stream), "input.mp3")),
        "ogg" => stream => ReadAll(() => new OggVorbisReader(new MemoryStream(WithValidChecksums(Buffered(stream).ToArray())), "input.ogg")),
        "flac" => stream => ReadAll(() => new PercepNet.Audio.Flac.FlacReader(Buffered(stream), "input.flac", checkCrcs: false)),
        "opus" => stream => ReadAll(() => new OggOpusReader(new MemoryStream(WithValidChecksums(Buffered(stream).ToArray())), "input.opus")),
        "stdin" => stream => ReadAll(() => AudioFile.OpenRead(new ForwardOnlyStream(Buffered(stream)), "standard input")),
        "model" => ReadModel,
        "pcm" => DenoisePcm,
        "batchlog" => SummariseLog,
        "cmdline" => ParseCommandLine,
        _ => throw new ArgumentException($"unknown harness '{name}' (expected {string.Join(", ", Names)})"),
    };

    /// <summary>
    /// A batch's completion log as <c>batch-status</c> reads it: every line parsed (damaged ones skipped), then summed
    /// up. Nothing may throw, whatever the log holds.
    /// </summary>
    private static void SummariseLog(Stream stream)
    {
        var starts = new List<Cli.Commands.CompletionLog.Start>();
        var entries = new List<Cli.Commands.CompletionLog.Entry>();
        using var reader = new StreamReader(Buffered(stream));
        Cli.Commands.CompletionLog.Read(reader, starts, entries);
        _ = Cli.Commands.BatchSummary.Of(starts, entries);
    }

    /// <summary>
    /// A command line (one word per line of the input, at most 64) parsed and checked as <c>percepnet</c> checks it,
    /// without running the command: the parser and our checks must answer with a problem or none, never throw.
    /// </summary>
    private static void ParseCommandLine(Stream stream)
    {
        string text = new StreamReader(Buffered(stream)).ReadToEnd();
        string[] args = [.. text.Split('\n').Take(64)];
        _ = Cli.Commands.CommandLineApp.Check(Cli.CliApp.Build(), args);
    }

    /// <summary>Decodes everything, as the tools do, block by block; at most a minute of audio.</summary>
    private static void ReadAll(Func<IAudioReader> open)
    {
        try
        {
            using IAudioReader reader = open();
            var block = new float[4096 * reader.Channels];
            long frames = 0;
            int got;
            while ((got = reader.Read(block)) > 0 && frames < 60L * 48000)
            {
                frames += got;
            }
        }
        catch (AudioFormatException)
        {
        }
    }

    private static void ReadModel(Stream stream)
    {
        try
        {
            _ = ModelFile.Read(Buffered(stream).ToArray());
        }
        catch (ModelFormatException)
        {
        }
    }

    /// <summary>The first byte picks the rate, channel count and encoding; the rest is the raw stream.</summary>
    private static void DenoisePcm(Stream stream)
    {
        int mode = stream.ReadByte();
        if (mode < 0)
        {
            return;
        }

        int[] rates = [8000, 16000, 44100, 48000];
        AudioDenoising.DenoiseStream(stream, Stream.Null, rates[mode & 3], 1 + ((mode >> 2) & 3),
            (mode & 16) != 0 ? PcmEncoding.F32LE : PcmEncoding.S16LE, Tiny.Value);
    }

    /// <summary>A small random model: the stream's framing and resampling are under test, not the network's weights.</summary>
    private static readonly Lazy<Model> Tiny = new(() =>
        new Model(new StoredModel(PercepNet.Modelling.RandomModel.Create(new ModelShape("tiny", 8, 8, 8, 8, 8, 8), 1), Quantisation.Int8)));

    /// <summary>
    /// Rewrites the checksum of every page whose layout is intact, so that mutated page contents get past the
    /// container check and reach the Vorbis decoder (a crafted file has valid checksums too).
    /// </summary>
    public static byte[] WithValidChecksums(byte[] data)
    {
        int at = 0;
        while (at + 27 <= data.Length && data.AsSpan(at, 4).SequenceEqual("OggS"u8))
        {
            int segments = data[at + 26];
            if (at + 27 + segments > data.Length)
            {
                break;
            }

            int length = 27 + segments;
            for (int i = 0; i < segments; i++)
            {
                length += data[at + 27 + i];
            }

            if (at + length > data.Length)
            {
                break;
            }

            data.AsSpan(at + 22, 4).Clear();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at + 22), OggPages.Checksum(data.AsSpan(at, length)));
            at += length;
        }

        return data;
    }

    /// <summary>A stream read front to back only, as standard input and pipes are.</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static MemoryStream Buffered(Stream stream)
    {
        var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }
}

/// <summary>A third-party decoder made no progress within the watchdog's patience on this input.</summary>
public sealed class DecoderStalledException() : Exception("a decoder call made no progress and was given up on by the watchdog");

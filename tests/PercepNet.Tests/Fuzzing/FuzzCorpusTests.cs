using System.Diagnostics;
using PercepNet.Audio;
using PercepNet.Fuzz;

namespace PercepNet.Tests.Fuzzing;

/// <summary>
/// Replays every input kept in tests/fuzz-corpus/HARNESS/ (the seeds, and every input that once crashed or hung a
/// harness) through the harness it belongs to, in a process of its own (a decoder read given up on by the watchdog
/// keeps spinning until its process exits): each must now be refused or read cleanly.
/// </summary>
public class FuzzCorpusTests
{
    public static TheoryData<string> HarnessNames() => [.. Harnesses.Names];

    [Theory]
    [MemberData(nameof(HarnessNames))]
    public async Task EveryKeptInputIsHandled(string harness)
    {
        string folder = Repository.PathOf("tests", "fuzz-corpus", harness);
        string[] inputs = [.. Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal)];
        Assert.NotEmpty(inputs);
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "PercepNet.Fuzz"), [harness, .. inputs])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{harness}: exit {process.ExitCode}\n{await error}");
        Assert.Equal(inputs.Length, output.Split('\n').Count(l => l.EndsWith(": ok", StringComparison.Ordinal)));
    }
}

public class OggContainerTests
{
    [Theory]
    [InlineData("hang-nvorbis-resync-1.ogg")]
    [InlineData("hang-nvorbis-resync-2.ogg")]
    [InlineData("hang-nvorbis-resync-3.ogg")]
    public void ADamagedPageIsRefusedBeforeTheDecoderLoopsOnIt(string file)
    {
        // Found by fuzzing: NVorbis's resynchronisation on these damaged pages never returned.
        string path = Repository.PathOf("tests", "fuzz-corpus", "ogg", file);
        var error = Assert.Throws<AudioFormatException>(() => AudioFile.OpenRead(path).Dispose());
        Assert.Matches("(corrupt|truncated) Ogg file", error.Message);
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PagesWrittenByLibOggPassTheChecksum()
    {
        // The seed was encoded by oggenc: libogg computed its checksums, independently of ours.
        string path = Repository.PathOf("tests", "fuzz-corpus", "ogg", "seed-q0.ogg");
        using IAudioReader reader = AudioFile.OpenRead(path);
        Assert.Equal(48000, reader.SampleRate);
    }
}

public class DecoderWatchdogTests
{
    [Fact]
    public void AStuckReadIsGivenUpOnAndTheReaderStaysRefused()
    {
        using var release = new ManualResetEventSlim();
        int calls = 0;
        using var watchdog = new DecoderWatchdog((buffer, count) =>
        {
            if (Interlocked.Increment(ref calls) == 2)
            {
                release.Wait(); // stuck, until the test lets go
            }

            buffer.AsSpan(0, count).Fill(0.5f);
            return count;
        }, TimeSpan.FromMilliseconds(200));

        var samples = new float[8];
        Assert.Equal(8, watchdog.Read(samples));
        Assert.All(samples, v => Assert.Equal(0.5f, v));
        Assert.Throws<TimeoutException>(() => watchdog.Read(samples));
        Assert.True(watchdog.Stuck);
        Assert.Throws<TimeoutException>(() => watchdog.Read(samples));
        release.Set();
    }

    [Fact]
    public void ADecoderErrorReachesTheCaller()
    {
        using var watchdog = new DecoderWatchdog((_, _) => throw new InvalidDataException("bad packet"));
        Assert.Equal("bad packet", Assert.Throws<InvalidDataException>(() => watchdog.Read(new float[4])).Message);
    }
}

public sealed class CraftedOggTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-ogg-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("crash-granule-regressed.ogg")]
    [InlineData("crash-no-vorbis-stream.ogg")]
    [InlineData("crash-out-of-memory.ogg")]
    public void ACraftedFileTheDecoderChokesOnIsNamedAsCorrupt(string file)
    {
        // The fuzzer's finding with valid page checksums, as a crafted file would have: it reaches NVorbis.
        string path = Path.Combine(_root, file);
        File.WriteAllBytes(path, Harnesses.WithValidChecksums(File.ReadAllBytes(Repository.PathOf("tests", "fuzz-corpus", "ogg", file))));
        var error = Assert.Throws<AudioFormatException>(() =>
        {
            using IAudioReader reader = AudioFile.OpenRead(path);
            var block = new float[4096 * reader.Channels];
            while (reader.Read(block) > 0)
            {
            }
        });
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("Ogg Vorbis", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hang-comment-count.ogg", "claims 2130706432 comments")]
    [InlineData("hang-read-loop-1.ogg", "block sizes 32768 and 32768")]
    public void AHeaderOutsideTheVorbisRulesIsRefusedBeforeTheDecoderReadsIt(string file, string problem)
    {
        // Found by fuzzing: NVorbis read this comment count for minutes, and looped for ever on these block sizes.
        string path = Path.Combine(_root, file);
        File.WriteAllBytes(path, Harnesses.WithValidChecksums(File.ReadAllBytes(Repository.PathOf("tests", "fuzz-corpus", "ogg", file))));
        var error = Assert.Throws<AudioFormatException>(() => AudioFile.OpenRead(path).Dispose());
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(0xF0FF_0000L)]
    public void AFinalGranulePositionAnywhereEndsTheReadWithoutTheWatchdog(long finalGranule)
    {
        // NVorbis trims its last packet to the final granule position with no lower bound and a 32-bit cast: a
        // position before what it has decoded, or past 2^31, made its read loop never return (found by fuzzing).
        // The reader now cuts at the position itself: one that comes early cuts the audio there; one past the
        // audio cuts nothing.
        byte[] data = File.ReadAllBytes(Repository.PathOf("tests", "fuzz-corpus", "ogg", "seed-q0.ogg"));
        int last = LastPageOffset(data);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(last + 6), finalGranule);
        string path = Path.Combine(_root, "granule.ogg");
        File.WriteAllBytes(path, Harnesses.WithValidChecksums(data));

        (float[] decoded, _) = AudioFile.ReadMono(path);
        (float[] original, _) = AudioFile.ReadMono(Repository.PathOf("tests", "fuzz-corpus", "ogg", "seed-q0.ogg"));
        if (finalGranule < original.Length)
        {
            Assert.Equal(finalGranule, decoded.Length);
        }
        else
        {
            Assert.InRange(decoded.Length, original.Length, original.Length + 8192);
        }

        int common = Math.Min(decoded.Length, original.Length);
        Assert.True(decoded.AsSpan(0, common).SequenceEqual(original.AsSpan(0, common)));
    }

    private static int LastPageOffset(byte[] data)
    {
        int at = 0, last = 0;
        while (at + 27 <= data.Length)
        {
            last = at;
            int segments = data[at + 26];
            at += 27 + segments;
            for (int i = 0; i < segments; i++)
            {
                at += data[last + 27 + i];
            }
        }

        return last;
    }
}

/// <summary>The setup header's codebooks are checked before NVorbis builds them (found by fuzzing).</summary>
public sealed class VorbisSetupTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-setup-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Vorbis bit packing, least significant bit first.</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _bit;

        public BitWriter Write(long value, int count)
        {
            for (int i = 0; i < count; i++, _bit++)
            {
                if ((_bit & 7) == 0)
                {
                    _bytes.Add(0);
                }

                if (((value >> i) & 1) != 0)
                {
                    _bytes[^1] |= (byte)(1 << (_bit & 7));
                }
            }

            return this;
        }

        public byte[] ToArray() => [.. _bytes];
    }

    /// <summary>A setup header whose codebooks are ordered books of one length, each claiming <paramref name="entries"/>.</summary>
    private static byte[] Setup(int books, long entries, int dimensions = 1)
    {
        var bits = new BitWriter().Write(5, 8);
        foreach (byte b in "vorbis"u8)
        {
            bits.Write(b, 8);
        }

        bits.Write(books - 1, 8);
        for (int i = 0; i < books; i++)
        {
            bits.Write(0x564342, 24).Write(dimensions, 16).Write(entries, 24).Write(1, 1).Write(0, 5);
            bits.Write(entries, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)entries)).Write(0, 4);
        }

        return bits.Write(0, 64).ToArray();
    }

    [Theory]
    [InlineData(1, 1L << 23, 1, "claims 8388608 entries of 1 dimensions")]
    [InlineData(2, 1L << 20, 1, "more than 1048576 entries together")]
    [InlineData(1, 1000, 0, "claims 1000 entries of 0 dimensions")]
    public void CodebooksBeyondTheLimitsAreRefused(int books, long entries, int dimensions, string problem)
    {
        var error = Assert.Throws<AudioFormatException>(() => VorbisHeaders.CheckSetup(Setup(books, entries, dimensions), "x.ogg"));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        VorbisHeaders.CheckSetup(Setup(3, 5000), "x.ogg"); // ordinary sizes pass
    }

    [Fact]
    public void AFileWithHugeCodebooksIsRefusedBeforeNVorbisBuildsThem()
    {
        // The seed's identification and comment headers, then a setup header claiming 2^23 entries in a few bytes.
        byte[] seed = File.ReadAllBytes(Repository.PathOf("tests", "fuzz-corpus", "ogg", "seed-q0.ogg"));
        List<byte[]> packets = OggPackets(seed);
        string path = Path.Combine(_root, "codebooks.ogg");
        File.WriteAllBytes(path, OggFile([packets[0], packets[1], Setup(1, 1L << 23), packets[3]]));
        var error = Assert.Throws<AudioFormatException>(() => AudioFile.OpenRead(path).Dispose());
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("claims 8388608 entries", error.Message, StringComparison.Ordinal);
    }

    private static List<byte[]> OggPackets(byte[] data)
    {
        var packets = new List<byte[]>();
        var current = new List<byte>();
        for (int at = 0; at + 27 <= data.Length;)
        {
            int segments = data[at + 26];
            int body = at + 27 + segments;
            for (int i = 0; i < segments; i++)
            {
                int lacing = data[at + 27 + i];
                current.AddRange(data.AsSpan(body, lacing).ToArray());
                body += lacing;
                if (lacing < 255)
                {
                    packets.Add([.. current]);
                    current.Clear();
                }
            }

            at = body;
        }

        return packets;
    }

    /// <summary>One page per packet (each under 64 kB), checksummed.</summary>
    private static byte[] OggFile(IReadOnlyList<byte[]> packets)
    {
        var file = new List<byte>();
        for (int p = 0; p < packets.Count; p++)
        {
            byte[] packet = packets[p];
            var lacing = new List<byte>();
            for (int left = packet.Length; ; left -= 255)
            {
                lacing.Add((byte)Math.Min(left, 255));
                if (left < 255)
                {
                    break;
                }
            }

            var page = new List<byte>();
            page.AddRange("OggS"u8.ToArray());
            page.Add(0);
            page.Add((byte)(p == 0 ? 2 : p == packets.Count - 1 ? 4 : 0));
            page.AddRange(BitConverter.GetBytes(p < 3 ? 0L : 1024L));
            page.AddRange(BitConverter.GetBytes(0x1234));
            page.AddRange(BitConverter.GetBytes(p));
            page.AddRange(new byte[4]);
            page.Add((byte)lacing.Count);
            page.AddRange(lacing);
            page.AddRange(packet);
            byte[] bytes = [.. page];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(22), OggPages.Checksum(bytes));
            file.AddRange(bytes);
        }

        return [.. file];
    }
}

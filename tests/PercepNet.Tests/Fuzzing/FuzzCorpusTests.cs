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

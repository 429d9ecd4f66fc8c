using System.Buffers.Binary;
using PercepNet.Audio;

namespace PercepNet.Tests.Fuzzing;

/// <summary>
/// NLayer walks the chunks of any RIFF/WAVE header it meets before its first MPEG frame; a size pointing a gigabyte
/// ahead, one of −8, or one that sends the walk backwards into bytes leading a gigabyte ahead kept it busy for ever (found by fuzzing). Such streams are refused before NLayer sees them,
/// at once, and a genuine header in front of the frames still decodes.
/// </summary>
public class Mp3RiffHeaderTests
{
    private static byte[] Seed() => File.ReadAllBytes(Repository.PathOf("tests", "fuzz-corpus", "mp3", "seed-untagged.mp3"));

    /// <summary>A RIFF/WAVE header (fmt of 16 bytes) whose fmt size is <paramref name="fmtSize"/>, then "data" and the MP3 frames.</summary>
    private static byte[] WithRiffHeader(byte[] mp3, int fmtSize)
    {
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), 36 + mp3.Length);
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), fmtSize);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(20), 0x55); // MPEG layer III in WAV
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(40), mp3.Length);
        return [.. header, .. mp3];
    }

    private static float[] ReadAll(byte[] bytes)
    {
        using var reader = new Mp3Reader(new MemoryStream(bytes), "input.mp3");
        var all = new List<float>();
        var buffer = new float[4096];
        int got;
        while ((got = reader.Read(buffer)) > 0)
        {
            all.AddRange(buffer.AsSpan(0, got));
        }

        return [.. all];
    }

    [Theory]
    [InlineData("mp3/hang-nlayer-riff-search-1.mp3")]
    [InlineData("mp3/hang-nlayer-riff-search-2.mp3")]
    [InlineData("mp3/hang-nlayer-riff-search-3.mp3")]
    [InlineData("stdin/hang-nlayer-riff-search.mp3")]
    [InlineData("stdin/hang-nlayer-riff-backwards.mp3")]
    public void TheInputsThatHungNLayerAreRefusedAtOnce(string file)
    {
        string path = Repository.PathOf("tests", "fuzz-corpus", file);
        var error = Assert.Throws<AudioFormatException>(() => new Mp3Reader(File.OpenRead(path), path).Dispose());

        // Refused by the check, before NLayer could spin until the watchdog's patience ran out.
        Assert.Matches("not a readable MP3 file \\(the RIFF header at byte [0-9]+ has chunk sizes that lead outside the file\\)", error.Message);
    }

    [Theory]
    [InlineData(0x4000_0000)] // a gigabyte ahead: the growth of NLayer's read buffer overflowed
    [InlineData(-8)] // the walk steps onto its own size field for ever
    public void AHeaderWhoseWalkCannotEndIsRefused(int fmtSize)
    {
        var error = Assert.Throws<AudioFormatException>(() => ReadAll([.. new byte[200], .. WithRiffHeader(Seed(), fmtSize)]));
        Assert.Contains("the RIFF header at byte 200 ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AWalkThatStepsBackwardsAndThenEndsIsLeftToNLayer()
    {
        // −100 sends the walk back 80 bytes into zeros, from where it climbs 8 bytes a step to the RIFF size and
        // jumps past the end of the file: NLayer gives up on the header by itself, so it is not refused here.
        byte[] bytes = [.. new byte[200], .. WithRiffHeader(Seed(), -100)];
        Assert.Null(Mp3RiffHeaderCheck.FindHazard(new MemoryStream(bytes)));
    }

    [Fact]
    public void AGenuineHeaderInFrontOfTheFramesStillDecodes()
    {
        byte[] seed = Seed();
        float[] plain = ReadAll(seed);
        float[] wrapped = ReadAll(WithRiffHeader(seed, 16));
        Assert.NotEmpty(plain);
        Assert.Equal(plain, wrapped);
    }

    [Fact]
    public void TheCheckFindsATagAcrossItsReadBlocks()
    {
        // The stream is scanned in blocks of 64 KiB: a hazardous header straddling the first boundary is found too.
        byte[] seed = Seed();
        int at = (64 * 1024) - 2;
        byte[] bytes = [.. new byte[at], .. WithRiffHeader(seed, -8)];
        Assert.Equal(at, Mp3RiffHeaderCheck.FindHazard(new MemoryStream(bytes)));
        Assert.Null(Mp3RiffHeaderCheck.FindHazard(new MemoryStream([.. new byte[at], .. WithRiffHeader(seed, 16)])));
    }
}

using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

/// <summary>Typos on the command line: each is one line naming what was wrong (and what was meant), exit 2, nothing written.</summary>
[Collection(nameof(ConsoleCollection))]
public sealed class MistypedCommandLineTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-typo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Input()
    {
        string path = Path.Combine(_root, "in.wav");
        File.WriteAllBytes(path, WavFiles.Build(new float[4800], 48000, 1, 16, false, false));
        return path;
    }

    private static void AssertOneUsageLine((int Code, string Out, string Error) result, string expected)
    {
        Assert.Equal(2, result.Code);
        string[] lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal($"error: {expected}", lines[0]);
        Assert.StartsWith("Try '", lines[1], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--atten-lim-db", "abc", "--atten-lim-db takes a number, not 'abc'.")]
    [InlineData("--atten-lim-db", "inf", "--atten-lim-db takes a number, not 'inf'.")]
    [InlineData("--postfilter-strength", "strong", "--postfilter-strength takes a number, not 'strong'.")]
    [InlineData("-j", "abc", "--jobs takes a whole number, not 'abc'.")]
    [InlineData("--shards", "two", "--shards takes a whole number, not 'two'.")]
    public void ANonNumericValueIsNamedNotAStackTrace(string option, string value, string expected)
    {
        string output = Path.Combine(_root, "out.wav");
        AssertOneUsageLine(CliRunner.Run("denoise", Input(), "-o", output, option, value), expected);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void StreamsRateMustBeAWholeNumber() =>
        AssertOneUsageLine(CliRunner.Run("stream", "-r", "abc"), "--rate takes a whole number, not 'abc'.");

    [Theory]
    [InlineData("--atten-lim", "unknown option '--atten-lim' (did you mean '--atten-lim-db'?)")]
    [InlineData("--postfiltr-strength", "unknown option '--postfiltr-strength' (did you mean '--postfilter-strength'?)")]
    [InlineData("--zzzzzzzzzz", "unknown option '--zzzzzzzzzz'")]
    public void AMistypedOptionIsNotTakenForAnInputPath(string option, string expected)
    {
        string output = Path.Combine(_root, "out.wav");
        AssertOneUsageLine(CliRunner.Run("denoise", Input(), "-o", output, option, "20"), expected);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void AnOptionLikeNameAfterTheSeparatorIsAnInput()
    {
        // After "--" every word is an input, whatever it looks like: here one that does not exist.
        var result = CliRunner.Run("denoise", "-o", Path.Combine(_root, "out"), "--", "--no-such-take.wav");
        Assert.Equal(3, result.Code);
        Assert.Contains("error: --no-such-take.wav: no such file or folder", result.Error);
    }

    [Theory]
    [InlineData("denoize", "unknown command 'denoize' (did you mean 'denoise'?)")]
    [InlineData("straem", "unknown command 'straem' (did you mean 'stream'?)")]
    [InlineData("xyzzy", "unknown command 'xyzzy'")]
    public void AnUnknownCommandIsNamedWithTheNearestOne(string command, string expected) =>
        AssertOneUsageLine(CliRunner.Run(command), expected);
}

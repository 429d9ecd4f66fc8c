using PercepNet.Tests.Audio;

namespace PercepNet.Tests.Cli;

/// <summary>
/// An input set with nothing to denoise (an empty folder, a wrong mount, a list naming nothing) is a failure with a
/// line naming it, so that a scheduler does not count the job done; files of other kinds are reported, not silently
/// skipped; a shard that owns none of a non-empty set has simply nothing to do.
/// </summary>
[Collection(nameof(ConsoleCollection))]
public sealed class EmptyInputSetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("percepnet-empty-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    [Fact]
    public void AFolderWithoutAudioFailsNamingIt()
    {
        string empty = Folder("empty");
        foreach (string[] batch in new[] { Array.Empty<string>(), ["--root", empty], ["--shard", "0/1"] })
        {
            var result = CliRunner.Run(["denoise", empty, "-o", Path.Combine(_root, "out"), .. batch]);
            Assert.True(result.Code == 3, result.Error);
            Assert.Contains($"error: {empty}: no audio files (.wav, .flac, .mp3, .ogg, .opus) to denoise", result.Error);
            Assert.DoesNotContain("0 of 0", result.Out);
        }
    }

    [Fact]
    public void AListNamingNoInputFails()
    {
        string list = Path.Combine(_root, "list.txt");
        File.WriteAllLines(list, ["# nothing yet", ""]);
        var result = CliRunner.Run("denoise", "--input-list", list, "-o", Path.Combine(_root, "out"));
        Assert.Equal(3, result.Code);
        Assert.Contains($"error: {list}: names no input", result.Error);
    }

    [Fact]
    public void FilesOfOtherKindsAreCountedInOneWarning()
    {
        string mixed = Folder("mixed");
        File.WriteAllBytes(Path.Combine(mixed, "take.wav"), WavFiles.Build(new float[4800], 48000, 1, 16, false, false));
        File.WriteAllText(Path.Combine(mixed, "a.m4a"), "");
        File.WriteAllText(Path.Combine(mixed, "b.m4a"), "");
        File.WriteAllText(Path.Combine(mixed, "notes.txt"), "");
        File.WriteAllText(Path.Combine(mixed, ".hidden"), "");
        var result = CliRunner.Run("denoise", mixed, "-o", Path.Combine(_root, "out"));
        Assert.True(result.Code == 0, result.Error);
        Assert.Contains("warning: 3 file(s) in the folders given skipped: not WAV, FLAC, MP3, Ogg Vorbis or Opus (.m4a 2, .txt 1)", result.Error);
    }

    [Fact]
    public void AShardOwningNoneOfANonEmptySetHasNothingToDo()
    {
        string one = Folder("one");
        File.WriteAllBytes(Path.Combine(one, "take.wav"), WavFiles.Build(new float[4800], 48000, 1, 16, false, false));
        int succeeded = 0;
        for (int k = 0; k < 4; k++)
        {
            var result = CliRunner.Run("denoise", one, "--root", one, "-o", Path.Combine(_root, "out"), "--shard", $"{k}/4");
            Assert.True(result.Code == 0, result.Error);
            succeeded += result.Out.Contains("1 of 1 file(s) denoised", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(1, succeeded);
    }
}

using PercepNet.Audio;

namespace PercepNet.Tests.Audio;

/// <summary>G.711 WAV (µ-law and A-law, as telephony recordings come) against sox's own expansion of the same bytes.</summary>
public sealed class CompandedWavTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("percepnet-g711-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [SkippableTheory]
    [InlineData("u-law")]
    [InlineData("a-law")]
    public void EveryCodeExpandsAsSoxExpandsIt(string encoding)
    {
        Skip.IfNot(ChildProcess.IsInstalled("sox"), "sox is not installed (CI installs it)");
        // A ramp through the whole 16-bit range, so that every one of the 256 codes occurs.
        float[] ramp = [.. Enumerable.Range(0, 65536).Select(i => (i - 32768) / 32768f)];
        string source = Path.Combine(_directory, "ramp.wav"), companded = Path.Combine(_directory, "g711.wav"), expanded = Path.Combine(_directory, "back.wav");
        File.WriteAllBytes(source, WavFiles.Build(ramp, 8000, 1, 16, false, false));
        Assert.Equal(0, ChildProcess.Run("sox", [source, "-e", encoding, companded]).Code);
        Assert.Equal(0, ChildProcess.Run("sox", [companded, "-e", "signed-integer", "-b", "16", expanded]).Code);

        (float[] ours, int rate) = AudioFile.ReadMono(companded);
        (float[] sox, _) = AudioFile.ReadMono(expanded);
        Assert.Equal(8000, rate);
        Assert.Equal(sox, ours);
        Assert.Equal(256, ours.Distinct().Count() + (encoding == "u-law" ? 1 : 0)); // µ-law has two zeros
        using IAudioReader reader = AudioFile.OpenRead(companded);
        Assert.Equal((16, false), (reader.BitsPerSample, reader.IsFloat));
    }
}

using PercepNet.Audio;

namespace PercepNet.Tests.Audio;

/// <summary>
/// Ogg Opus made by opus-tools (opusenc; opusdec as the reference decoder; CI installs them): the same length as the
/// source, aligned with it, and the samples the reference decoder gives.
/// </summary>
[Collection(nameof(Cli.ConsoleCollection))]
public sealed class OpusTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("percepnet-opus-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string PathOf(string name) => Path.Combine(_directory, name);

    private static void Run(string tool, params string[] args)
    {
        ChildProcess.Result result = ChildProcess.Run(tool, args);
        Assert.True(result.Code == 0, result.Output);
    }

    /// <summary>A voiced signal (a click at 0.5 s marks the alignment) as 16-bit WAV at 48 kHz.</summary>
    private float[] Source(string name, int channels)
    {
        float[] voice = SyntheticSignals.Voiced([new(1.3, 130, 190)], 41).Signal;
        voice[24000] = 0.9f;
        float[] interleaved = [.. voice.SelectMany(v => Enumerable.Repeat(v * 0.5f, channels))];
        File.WriteAllBytes(PathOf(name), WavFiles.Build(interleaved, 48000, channels, 16, false, false));
        return voice;
    }

    private static float[] Decode(string path, out IAudioReader reader)
    {
        reader = AudioFile.OpenRead(path);
        var all = new List<float>();
        var block = new float[1234 * reader.Channels];
        int got;
        while ((got = reader.Read(block)) > 0)
        {
            all.AddRange(block.AsSpan(0, got * reader.Channels).ToArray());
        }

        return [.. all];
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(6)]
    public void OpusencFilesDecodeToTheSourcesLengthAndToWhatOpusdecGives(int channels)
    {
        Skip.IfNot(ChildProcess.IsInstalled("opusenc") && ChildProcess.IsInstalled("opusdec"), "opus-tools is not installed (CI installs it)");
        float[] source = Source("in.wav", channels);
        Run("opusenc", "--quiet", PathOf("in.wav"), PathOf("in.opus"));
        Run("opusdec", "--quiet", "--float", "--no-dither", PathOf("in.opus"), PathOf("reference.wav"));

        float[] ours = Decode(PathOf("in.opus"), out IAudioReader reader);
        using (reader)
        {
            Assert.Equal((48000, channels), (reader.SampleRate, reader.Channels));
            Assert.Null(reader.Truncation);
        }

        Assert.Equal(source.Length * channels, ours.Length);
        float[] reference = Decode(PathOf("reference.wav"), out IAudioReader referenceReader);
        referenceReader.Dispose();
        Assert.Equal(reference.Length, ours.Length);
        double worst = reference.Zip(ours, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-3, $"largest difference from opusdec {worst}");

        // The click stays where it was: the pre-skip is dropped exactly.
        int peak = 0;
        for (int i = 0; i < ours.Length / channels; i++)
        {
            peak = Math.Abs(ours[i * channels]) > Math.Abs(ours[peak * channels]) ? i : peak;
        }

        Assert.InRange(peak, 23999, 24001);
    }

    [SkippableFact]
    public void ACutOpusFileKeepsItsWholePagesAndSaysSo()
    {
        Skip.IfNot(ChildProcess.IsInstalled("opusenc"), "opus-tools is not installed (CI installs it)");
        float[] source = Source("in.wav", 1);
        Run("opusenc", "--quiet", PathOf("in.wav"), PathOf("in.opus"));
        byte[] bytes = File.ReadAllBytes(PathOf("in.opus"));
        File.WriteAllBytes(PathOf("cut.opus"), bytes[..(bytes.Length * 2 / 3)]);
        float[] ours = Decode(PathOf("cut.opus"), out IAudioReader reader);
        using (reader)
        {
            Assert.StartsWith("truncated Ogg file", reader.Truncation);
        }

        Assert.InRange(ours.Length, source.Length / 3, source.Length - 1);
    }

    [SkippableFact]
    public void DenoisedOpusHasTheSourcesLengthAndAlignment()
    {
        Skip.IfNot(ChildProcess.IsInstalled("opusenc"), "opus-tools is not installed (CI installs it)");
        float[] source = Source("in.wav", 1);
        Run("opusenc", "--quiet", PathOf("in.wav"), PathOf("in.opus"));
        var result = Cli.CliRunner.Run("denoise", PathOf("in.opus"), "-o", PathOf("out.wav"), "--atten-lim-db", "0");
        Assert.True(result.Code == 0, result.Error);
        (float[] output, int rate) = AudioFile.ReadMono(PathOf("out.wav"));
        Assert.Equal((48000, source.Length), (rate, output.Length));
        int peak = 0;
        for (int i = 0; i < output.Length; i++)
        {
            peak = Math.Abs(output[i]) > Math.Abs(output[peak]) ? i : peak;
        }

        Assert.InRange(peak, 23999, 24001); // the click where the source has it
    }
}

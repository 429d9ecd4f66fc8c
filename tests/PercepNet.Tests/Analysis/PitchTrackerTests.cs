using PercepNet.Analysis;
using PercepNet.Dsp;
using Xunit.Abstractions;

namespace PercepNet.Tests.Analysis;

public class PitchTrackerTests(ITestOutputHelper output)
{
    private static readonly SyntheticSignals.Segment[] Glides =
    [
        new(1.5, 70, 100),
        new(1.5, 100, 150),
        new(1.5, 140, 220),
        new(1.5, 220, 320),
        new(1.5, 300, 400),
        new(1.5, 400, 260),
        new(1.5, 180, 110),
    ];

    internal sealed record Rates(int Frames, double WithinTwoPercent, double OctaveErrors);

    /// <summary>Tracks <paramref name="signal"/> and scores voiced frames against the true period at each window's centre.</summary>
    internal static Rates Score(float[] signal, double[] truth, bool viterbi)
    {
        var analyzer = new FrameAnalyzer(viterbi);
        int hops = signal.Length / FrameLayout.HopSize;
        int frames = 0, good = 0, octave = 0;
        for (int t = 0; t < hops; t++)
        {
            analyzer.Push(signal.AsSpan(t * FrameLayout.HopSize, FrameLayout.HopSize));
            int frame = t - FrameLayout.LookaheadFrames;
            int start = (frame - 1) * FrameLayout.HopSize;
            int end = start + FrameLayout.WindowSize;
            if (start < 0 || end > truth.Length || truth[start] == 0 || truth[end - 1] == 0)
            {
                continue; // only windows entirely inside a voiced segment
            }

            double expected = truth[frame * FrameLayout.HopSize];
            double ratio = analyzer.Period / expected;
            frames++;
            if (Math.Abs(ratio - 1) <= 0.02)
            {
                good++;
            }

            if (Math.Abs(Math.Log2(ratio)) > 0.5)
            {
                octave++;
            }
        }

        return new Rates(frames, (double)good / frames, (double)octave / frames);
    }

    private (float[] Noisy, double[] Truth) Noisy(string kind)
    {
        (float[] voiced, double[] truth) = SyntheticSignals.Voiced(Glides, seed: 11);
        float[] noise = kind == "white"
            ? SyntheticSignals.WhiteNoise(voiced.Length, 12)
            : SyntheticSignals.Babble(voiced.Length, 13);
        return (SyntheticSignals.Mix(voiced, noise, 5, i => truth[i] > 0), truth);
    }

    [Fact]
    public void TracksCleanGlidesExactly()
    {
        (float[] voiced, double[] truth) = SyntheticSignals.Voiced(Glides, seed: 11);
        Rates rates = Score(voiced, truth, viterbi: true);
        output.WriteLine($"clean: {rates.Frames} voiced frames, within 2 %: {rates.WithinTwoPercent:P1}, octave errors: {rates.OctaveErrors:P2}");
        Assert.True(rates.WithinTwoPercent >= 0.98);
        Assert.Equal(0, rates.OctaveErrors);
    }

    [Theory]
    [InlineData("white")]
    [InlineData("babble")]
    public void TracksGlidesAt5dBSnr(string noise)
    {
        (float[] noisy, double[] truth) = Noisy(noise);
        Rates tracked = Score(noisy, truth, viterbi: true);
        Rates raw = Score(noisy, truth, viterbi: false);
        output.WriteLine($"{noise} 5 dB, Viterbi: {tracked.Frames} voiced frames, within 2 %: {tracked.WithinTwoPercent:P1}, octave errors: {tracked.OctaveErrors:P2}");
        output.WriteLine($"{noise} 5 dB, per-frame best candidate: within 2 %: {raw.WithinTwoPercent:P1}, octave errors: {raw.OctaveErrors:P2}");
        Assert.True(tracked.WithinTwoPercent >= 0.95, $"within 2 %: {tracked.WithinTwoPercent:P1}");
        Assert.True(tracked.OctaveErrors <= 0.01, $"octave errors: {tracked.OctaveErrors:P2}");
        Assert.True(tracked.OctaveErrors < raw.OctaveErrors || (tracked.OctaveErrors == 0 && raw.OctaveErrors == 0),
            "the tracker should make fewer octave errors than per-frame decisions");
    }
}

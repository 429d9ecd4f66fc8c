using PercepNet.Analysis;
using PercepNet.Dsp;
using PercepNet.Pipeline;
using PercepNet.Synthesis;

namespace PercepNet.Tests.Synthesis;

/// <summary>
/// The whole analysis→synthesis chain with unit gains: what the enhancer does when it changes nothing.
/// Its output is its input delayed by <see cref="FrameLayout.FrameLatency"/>; used to check reconstruction
/// and latency, and to measure the cost of the DSP around the network.
/// </summary>
internal sealed class AnalysisSynthesisChain : IHopProcessor
{
    private readonly FrameAnalyzer _analyzer = new();
    private readonly OverlapAddSynthesizer _synthesizer = new();

    public int Latency => FrameLayout.FrameLatency;

    public FrameAnalyzer Analyzer => _analyzer;

    public void ProcessHop(ReadOnlySpan<float> input, Span<float> output)
    {
        _analyzer.Push(input);
        _synthesizer.Synthesize(_analyzer.Spectrum, output);
    }

    public void Reset()
    {
        _analyzer.Reset();
        _synthesizer.Reset();
    }
}

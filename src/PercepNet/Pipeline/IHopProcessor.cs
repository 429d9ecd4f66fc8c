using PercepNet.Dsp;

namespace PercepNet.Pipeline;

/// <summary>Something that turns one 480-sample input hop into one 480-sample output hop.</summary>
internal interface IHopProcessor
{
    /// <summary>Delay of the output hops behind the input hops, in samples.</summary>
    int Latency { get; }

    void ProcessHop(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// Consecutive whole hops at once: the same outputs and state as <see cref="ProcessHop"/> on each in turn (a
    /// processor that can share work across hops overrides it).
    /// </summary>
    void ProcessHops(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int at = 0; at < input.Length; at += FrameLayout.HopSize)
        {
            ProcessHop(input.Slice(at, FrameLayout.HopSize), output.Slice(at, FrameLayout.HopSize));
        }
    }

    void Reset();
}

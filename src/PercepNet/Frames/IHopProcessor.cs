namespace PercepNet.Frames;

/// <summary>Something that turns one 480-sample input hop into one 480-sample output hop.</summary>
internal interface IHopProcessor
{
    /// <summary>Delay of the output hops behind the input hops, in samples.</summary>
    int Latency { get; }

    void ProcessHop(ReadOnlySpan<float> input, Span<float> output);

    void Reset();
}

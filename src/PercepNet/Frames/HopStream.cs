namespace PercepNet.Frames;

/// <summary>
/// Adapts a hop processor to blocks of any size: every call returns as many samples as it was given, and the
/// output is the processor's output delayed by a further <see cref="FrameLayout.HopSize"/> − 1 samples, so
/// the total delay (<see cref="Latency"/>) is the same whatever the block sizes. No allocation per call.
/// </summary>
internal sealed class HopStream(IHopProcessor processor)
{
    private readonly float[] _input = new float[FrameLayout.HopSize];
    private readonly float[] _output = new float[2 * FrameLayout.HopSize];
    private int _filled;
    private int _written; // samples of processor output written into the ring, modulo its length

    /// <summary>Delay of the output behind the input, in samples.</summary>
    public int Latency => processor.Latency + FrameLayout.HopSize - 1;

    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length != input.Length)
        {
            throw new ArgumentException("Output must have the length of the input.", nameof(output));
        }

        const int Hop = FrameLayout.HopSize;
        for (int i = 0; i < input.Length; i++)
        {
            _input[_filled++] = input[i];
            if (_filled == Hop)
            {
                processor.ProcessHop(_input, _output.AsSpan(_written, Hop));
                _written = (_written + Hop) % _output.Length;
                _filled = 0;
            }

            // Stream position m reads processor output m − (Hop − 1), which lies in the last two hops written.
            int index = (_written - Hop + _filled + _output.Length) % _output.Length;
            output[i] = _output[index];
        }
    }

    public void Reset()
    {
        processor.Reset();
        Array.Clear(_input);
        Array.Clear(_output);
        _filled = 0;
        _written = 0;
    }
}

using PercepNet.Dsp;

namespace PercepNet.Pipeline;

/// <summary>
/// Adapts a hop processor to blocks of any size: every call returns as many samples as it was given, and the
/// output is the processor's output delayed by a further <see cref="FrameLayout.HopSize"/> − 1 samples, so
/// the total delay (<see cref="Latency"/>) is the same whatever the block sizes. No allocation per call.
/// </summary>
internal sealed class HopStream(IHopProcessor processor)
{
    /// <summary>Most whole hops of one call handed to the processor at once (<see cref="IHopProcessor.ProcessHops"/>).</summary>
    public const int BlockHops = 8;

    private readonly float[] _input = new float[FrameLayout.HopSize];
    private readonly float[] _output = new float[2 * FrameLayout.HopSize];
    private readonly float[] _block = new float[BlockHops * FrameLayout.HopSize];
    private int _filled;
    private int _written; // samples of processor output written into the ring, modulo its length
    private int _blockNext;  // next hop of _block to hand out
    private int _blockHops;  // hops of _block not handed out yet

    /// <summary>Delay of the output behind the input, in samples.</summary>
    public int Latency => processor.Latency + FrameLayout.HopSize - 1;

    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (output.Length != input.Length)
        {
            throw new ArgumentException("Output must have the length of the input.", nameof(output));
        }

        // Block copies between hop boundaries: stream position m reads processor output m − (Hop − 1), which is in
        // the previous hop's half of the ring until the sample that completes a hop, which reads the new hop's first.
        const int Hop = FrameLayout.HopSize;
        for (int i = 0; i < input.Length;)
        {
            if (_filled == 0 && _blockHops == 0 && input.Length - i >= 2 * Hop)
            {
                // Whole hops ahead in this call: process them together now; the loop below hands their outputs out
                // at the points where it would have computed each, so nothing changes but the cost.
                int hops = Math.Min(BlockHops, (input.Length - i) / Hop);
                processor.ProcessHops(input.Slice(i, hops * Hop), _block.AsSpan(0, hops * Hop));
                _blockNext = 0;
                _blockHops = hops;
            }

            int n = Math.Min(Hop - _filled, input.Length - i);
            input.Slice(i, n).CopyTo(_input.AsSpan(_filled));
            bool completes = _filled + n == Hop;
            int previous = (_written - Hop + _output.Length) % _output.Length;
            int plain = completes ? n - 1 : n;
            _output.AsSpan(previous + _filled + 1, plain).CopyTo(output.Slice(i, plain));
            _filled += n;
            if (completes)
            {
                Span<float> hop = _output.AsSpan(_written, Hop);
                if (_blockHops > 0)
                {
                    _block.AsSpan(_blockNext * Hop, Hop).CopyTo(hop);
                    _blockNext++;
                    _blockHops--;
                }
                else
                {
                    processor.ProcessHop(_input, hop);
                }

                output[i + n - 1] = _output[_written];
                _written = (_written + Hop) % _output.Length;
                _filled = 0;
            }

            i += n;
        }
    }

    public void Reset()
    {
        processor.Reset();
        Array.Clear(_input);
        Array.Clear(_output);
        _filled = 0;
        _written = 0;
        _blockNext = 0;
        _blockHops = 0;
    }
}

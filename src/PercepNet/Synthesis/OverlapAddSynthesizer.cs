using PercepNet.Dsp;

namespace PercepNet.Synthesis;

/// <summary>
/// Inverse FFT, Vorbis synthesis window and overlap-add at hop 480 (DESIGN §1). Each call consumes the enhanced
/// spectrum of window ℓ and emits the 480 samples that window ℓ completes (the first half of its span).
/// </summary>
internal sealed class OverlapAddSynthesizer
{
    private readonly RealFft _fft = new(FrameLayout.WindowSize);
    private readonly float[] _frame = new float[FrameLayout.WindowSize];
    private readonly float[] _tail = new float[FrameLayout.HopSize];

    public void Reset() => Array.Clear(_tail);

    public void Synthesize(ReadOnlySpan<ComplexF> spectrum, Span<float> hop)
    {
        if (hop.Length != FrameLayout.HopSize)
        {
            throw new ArgumentException($"A hop has {FrameLayout.HopSize} samples.", nameof(hop));
        }

        _fft.Inverse(spectrum, _frame);
        ReadOnlySpan<float> w = VorbisWindow.Frame;
        for (int n = 0; n < FrameLayout.HopSize; n++)
        {
            hop[n] = _tail[n] + (_frame[n] * w[n]);
            _tail[n] = _frame[n + FrameLayout.HopSize] * w[n + FrameLayout.HopSize];
        }
    }
}

namespace PercepNet.Dsp;

/// <summary>
/// A streaming band-limited resampler for one channel: Kaiser-windowed sinc interpolation at output instants kept as
/// exact fractions of the input clock, so nothing drifts however long the stream. Output sample k is the input
/// signal's value at input time (k·inRate + offset)/outRate samples, where <c>offset</c> is an integer given at
/// construction. The low-pass cut-off is 0.45 of the lower rate (about −6 dB there, flat to 0.41, stopband from
/// 0.49, about −90 dB); the kernel is symmetric, so the resampler adds no phase distortion. Each call produces every
/// output sample whose kernel the input received so far covers. Nothing is allocated per call.
/// </summary>
internal sealed class SincResampler
{
    /// <summary>Zero crossings of the sinc on each side of the kernel.</summary>
    private const int ZeroCrossings = 32;

    /// <summary>Cut-off as a fraction of the lower of the two rates.</summary>
    private const double Cutoff = 0.45;

    /// <summary>Kaiser window β (sidelobes near −90 dB).</summary>
    private const double Beta = 9.0;

    /// <summary>Most distinct fractional positions tabulated; finer ones are rounded to the nearest (error &lt; 1/8192 sample).</summary>
    private const int MaxPhases = 4096;

    private readonly long _inRate;
    private readonly long _outRate;
    private readonly int _phases;
    private readonly int _taps;
    private readonly float[] _kernels; // _phases rows of _taps coefficients
    private readonly float[] _history;
    private readonly long _startWhole;
    private readonly long _startRemainder;
    private int _historyCount; // samples held in _history
    private long _historyStart; // input index of _history[0]
    private long _received;
    private long _whole; // floor of the next output's input time
    private long _remainder; // its fractional part, in 1/_outRate units

    /// <param name="inputRate">Rate of the samples given, in Hz.</param>
    /// <param name="outputRate">Rate of the samples produced, in Hz.</param>
    /// <param name="offset">Input time of output sample 0, in 1/<paramref name="outputRate"/> input samples; non-negative.</param>
    /// <param name="maxInput">The most input samples one call may give.</param>
    public SincResampler(int inputRate, int outputRate, long offset, int maxInput)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        _inRate = inputRate;
        _outRate = outputRate;
        long gcd = Gcd(inputRate, outputRate);
        _phases = (int)Math.Min(outputRate / gcd, MaxPhases);

        // The kernel in input samples: 2ω·sinc(2ωτ)·kaiser(τ / half-width), ω the cut-off in cycles per input sample.
        double omega = Cutoff * Math.Min(inputRate, outputRate) / inputRate;
        double halfWidth = ZeroCrossings / (2 * omega);
        HalfTaps = (int)Math.Ceiling(halfWidth);
        _taps = 2 * HalfTaps;
        _kernels = new float[_phases * _taps];
        for (int p = 0; p < _phases; p++)
        {
            // Row p serves input times n + p/_phases: tap j multiplies input n − HalfTaps + 1 + j.
            double phase = (double)p / _phases;
            Span<float> row = _kernels.AsSpan(p * _taps, _taps);
            double sum = 0;
            for (int j = 0; j < _taps; j++)
            {
                double tau = phase + HalfTaps - 1 - j;
                double value = Math.Abs(tau) >= halfWidth ? 0
                    : 2 * omega * Sinc(2 * omega * tau) * BesselI0(Beta * Math.Sqrt(1 - (tau / halfWidth * (tau / halfWidth)))) / BesselI0(Beta);
                row[j] = (float)value;
                sum += value;
            }

            for (int j = 0; j < _taps; j++)
            {
                row[j] = (float)(row[j] / sum); // unit gain at DC for every phase
            }
        }

        _history = new float[_taps + maxInput];
        MaxInput = maxInput;
        _startWhole = offset / _outRate;
        _startRemainder = offset % _outRate;
        Reset();
    }

    /// <summary>How far the kernel reaches each side of an output instant, in input samples.</summary>
    public int HalfTaps { get; }

    /// <summary>The most input samples one <see cref="Process"/> call may give.</summary>
    public int MaxInput { get; }

    /// <summary>The most output samples a call with <paramref name="inputLength"/> samples can produce.</summary>
    public int MaxOutput(int inputLength) => (int)(((long)inputLength * _outRate / _inRate) + 2);

    /// <summary>Takes all of <paramref name="input"/> and writes the output samples it completes; returns how many.</summary>
    public int Process(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length > MaxInput)
        {
            throw new ArgumentException($"At most {MaxInput} samples per call.", nameof(input));
        }

        // Keep the last _taps samples (all an output can still need) and append the new ones.
        if (_historyCount + input.Length > _history.Length)
        {
            int keep = Math.Min(_historyCount, _taps);
            _history.AsSpan(_historyCount - keep, keep).CopyTo(_history);
            _historyStart += _historyCount - keep;
            _historyCount = keep;
        }

        input.CopyTo(_history.AsSpan(_historyCount));
        _historyCount += input.Length;
        _received += input.Length;

        int produced = 0;
        while (_whole + HalfTaps < _received)
        {
            int phase = (int)(((_remainder * _phases) + (_outRate / 2)) / _outRate);
            long whole = _whole;
            if (phase == _phases)
            {
                phase = 0;
                whole++;
                if (whole + HalfTaps >= _received)
                {
                    break;
                }
            }

            long first = whole - HalfTaps + 1;
            int at = (int)(first - _historyStart);
            output[produced++] = VectorMath.Dot(_history.AsSpan(at, _taps), _kernels.AsSpan(phase * _taps, _taps));
            _remainder += _inRate;
            _whole += _remainder / _outRate;
            _remainder %= _outRate;
        }

        return produced;
    }

    /// <summary>Forgets the stream: as if newly made (the input before the stream counts as silence).</summary>
    public void Reset()
    {
        Array.Clear(_history);
        _historyStart = -_taps; // zeros stand for the input before the stream
        _historyCount = _taps;
        _received = 0;
        _whole = _startWhole;
        _remainder = _startRemainder;
    }

    private static double Sinc(double x) => x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);

    /// <summary>The modified Bessel function of the first kind, order 0, by its power series.</summary>
    private static double BesselI0(double x)
    {
        double sum = 1, term = 1, quarter = x * x / 4;
        for (int k = 1; k < 64 && term > sum * 1e-17; k++)
        {
            term *= quarter / (k * (double)k);
            sum += term;
        }

        return sum;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}

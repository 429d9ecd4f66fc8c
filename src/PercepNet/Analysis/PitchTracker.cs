using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using PercepNet.Dsp;

namespace PercepNet.Analysis;

/// <summary>
/// Pitch tracking of DESIGN §3. For every new 10 ms hop the newest 20 ms are low-passed, decimated to 12 kHz,
/// whitened by a 4th-order LPC filter and searched by normalised cross-correlation over periods of 15..192
/// decimated samples (62.5–800 Hz). Each lag's score is lowered when half that lag correlates about as well
/// (the sub-harmonic trap). A Viterbi search over frames (a smooth cost for relative period changes, a flat
/// cost for larger jumps) then picks the trajectory; with the two look-ahead frames the decision for frame
/// ℓ is taken after seeing ℓ + 1 and ℓ + 2. The chosen lag is refined at 48 kHz on frame ℓ's own window.
/// Output: the period T in 60..768 samples and the normalised correlation at T in [0, 1].
/// </summary>
internal sealed class PitchTracker
{
    public const int MinPeriod = 60;
    public const int MaxPeriod = 768;

    private const int Decimation = 4;
    private const int MinLag = MinPeriod / Decimation;          // 15
    private const int MaxLag = MaxPeriod / Decimation;          // 192
    private const int States = MaxLag - MinLag + 1;             // 178
    private const int CorrelationWindow = FrameLayout.WindowSize / Decimation; // 240 (20 ms)
    private const int DecimatedHop = FrameLayout.HopSize / Decimation;         // 120
    private const int DecimatedLength = CorrelationWindow + MaxLag + 8;       // 440
    private const int LpcOrder = 4;
    private const int RefineRadius = 6;

    // Viterbi costs (see class remarks); tuned on synthetic voiced signals, not on the devset.
    private const float SmoothJumpCost = 40f;      // × (ln T/T')² for |ln T/T'| within the neighbourhood
    private const float NeighbourRatio = 1.12f;    // neighbourhood: ±12 % per frame
    private const float FlatJumpCost = 0.6f;       // any larger jump
    private const float SubharmonicFactor = 0.8f;  // score × 0.8 when half the lag correlates nearly as well

    private static readonly float[] LowPass = DesignLowPass(31, 4000.0 / FrameLayout.SampleRate);

    private readonly bool _useViterbi;
    private readonly float[] _decimated = new float[DecimatedLength];
    private readonly float[] _whitened = new float[DecimatedLength];
    private readonly double[] _energyPrefix = new double[DecimatedLength + 1];
    private readonly float[] _correlation = new float[States];
    private readonly float[] _score = new float[States];
    private readonly float[] _nextScore = new float[States];
    private readonly int[][] _backPointers;   // ring over the last LookaheadFrames + 1 frames
    private readonly float[][] _observations; // ring, for the un-tracked decision
    private readonly int[] _neighbourLo = new int[States];
    private readonly int[] _neighbourHi = new int[States];
    private readonly float[] _transitionCost;  // per state, per neighbour offset
    private readonly int[] _transitionOffset;
    private int _frame;

    public PitchTracker(bool useViterbi = true)
    {
        _useViterbi = useViterbi;
        int depth = FrameLayout.LookaheadFrames + 1;
        _backPointers = new int[depth][];
        _observations = new float[depth][];
        for (int i = 0; i < depth; i++)
        {
            _backPointers[i] = new int[States];
            _observations[i] = new float[States];
        }

        _transitionOffset = new int[States + 1];
        var costs = new List<float>();
        for (int s = 0; s < States; s++)
        {
            int lag = s + MinLag;
            int lo = Math.Max(MinLag, (int)Math.Ceiling(lag / NeighbourRatio));
            int hi = Math.Min(MaxLag, (int)Math.Floor(lag * NeighbourRatio));
            _neighbourLo[s] = lo - MinLag;
            _neighbourHi[s] = hi - MinLag;
            _transitionOffset[s] = costs.Count;
            for (int other = lo; other <= hi; other++)
            {
                double r = Math.Log((double)lag / other);
                costs.Add((float)(SmoothJumpCost * r * r));
            }
        }

        _transitionOffset[States] = costs.Count;
        _transitionCost = [.. costs];
    }

    /// <summary>Period of the decided frame, in 48 kHz samples.</summary>
    public int Period { get; private set; } = MaxPeriod / 2;

    /// <summary>Normalised correlation of the decided frame at <see cref="Period"/>, in [0, 1].</summary>
    public float Correlation { get; private set; }

    public void Reset()
    {
        Array.Clear(_decimated);
        Array.Clear(_whitened);
        Array.Clear(_energyPrefix);
        Array.Clear(_correlation);
        Array.Clear(_score);
        Array.Clear(_nextScore);
        foreach (float[] o in _observations)
        {
            Array.Clear(o);
        }

        foreach (int[] b in _backPointers)
        {
            Array.Clear(b);
        }

        _frame = 0;
        Period = MaxPeriod / 2;
        Correlation = 0f;
    }

    /// <summary>
    /// Takes the analysis history after its newest hop was appended (newest sample last; at least
    /// <see cref="RequiredHistory"/> samples) and decides the pitch of the frame whose window is
    /// <paramref name="frameWindowStart"/>..+960 in that history (the frame <see cref="FrameLayout.LookaheadFrames"/> back).
    /// </summary>
    public void Update(ReadOnlySpan<float> history, int frameWindowStart)
    {
        if (frameWindowStart < RequiredHistory || history.Length - frameWindowStart - FrameLayout.WindowSize < RequiredHistory)
        {
            throw new ArgumentException($"The history must hold {RequiredHistory} samples before and after the frame's window.");
        }

        AppendDecimated(history);
        if (VectorMath.PeakAtMost(_decimated, 0f))
        {
            // Digital silence over the whole search span: nothing to track, and nothing of the last pitch is kept, so
            // that a long silence leaves the tracker as a fresh one would be (the chain's silence skip relies on it).
            Array.Clear(_score);
        }

        Whiten();
        ComputeCorrelations();

        int slot = _frame % _backPointers.Length;
        float[] observation = _observations[slot];
        ScoreObservations(observation);
        Step(observation, _backPointers[slot]);
        _frame++;

        int lag = _useViterbi ? Decide() : ArgMax(_observations[_frame % _backPointers.Length]) + MinLag;
        Refine(history, frameWindowStart, lag);
    }

    /// <summary>Samples of history <see cref="Update"/> needs before the frame window (and after it).</summary>
    public const int RequiredHistory = CombFilter.MaxReach;

    private void AppendDecimated(ReadOnlySpan<float> history)
    {
        Array.Copy(_decimated, DecimatedHop, _decimated, 0, DecimatedLength - DecimatedHop);
        int end = history.Length;
        ReadOnlySpan<float> h = LowPass;
        for (int i = 0; i < DecimatedHop; i++)
        {
            int newest = end - FrameLayout.HopSize + ((i + 1) * Decimation) - 1;
            ReadOnlySpan<float> segment = history.Slice(newest - h.Length + 1, h.Length);
            _decimated[DecimatedLength - DecimatedHop + i] = VectorMath.Dot(segment, h);
        }
    }

    private void Whiten()
    {
        // Autocorrelation of the newest 20 ms, a lag window and a −40 dB noise floor, Levinson–Durbin.
        ReadOnlySpan<float> recent = _decimated.AsSpan(DecimatedLength - CorrelationWindow);
        Span<double> r = stackalloc double[LpcOrder + 1];
        for (int k = 0; k <= LpcOrder; k++)
        {
            double sum = 0;
            for (int n = k; n < recent.Length; n++)
            {
                sum += recent[n] * (double)recent[n - k];
            }

            r[k] = sum * (1.0 - (0.0001 * k * k));
        }

        r[0] = (r[0] * 1.0001) + 1e-12;
        Span<double> a = stackalloc double[LpcOrder + 1];
        Span<double> tmp = stackalloc double[LpcOrder + 1];
        a.Clear();
        a[0] = 1;
        double error = r[0];
        for (int i = 1; i <= LpcOrder; i++)
        {
            double acc = r[i];
            for (int j = 1; j < i; j++)
            {
                acc += a[j] * r[i - j];
            }

            double k = -acc / error;
            a.CopyTo(tmp);
            for (int j = 1; j < i; j++)
            {
                a[j] = tmp[j] + (k * tmp[i - j]);
            }

            a[i] = k;
            error *= 1 - (k * k);
            if (error <= 1e-15)
            {
                break;
            }
        }

        // Bandwidth expansion keeps the whitening gentle on strong formants.
        double g = 1;
        Span<float> coefficients = stackalloc float[LpcOrder + 1];
        for (int i = 0; i <= LpcOrder; i++)
        {
            coefficients[i] = (float)(a[i] * g);
            g *= 0.9;
        }

        for (int n = 0; n < DecimatedLength; n++)
        {
            float sum = _decimated[n];
            for (int i = 1; i <= LpcOrder && i <= n; i++)
            {
                sum += coefficients[i] * _decimated[n - i];
            }

            _whitened[n] = sum;
        }

        _energyPrefix[0] = 0;
        for (int n = 0; n < DecimatedLength; n++)
        {
            _energyPrefix[n + 1] = _energyPrefix[n] + (_whitened[n] * (double)_whitened[n]);
        }
    }

    private void ComputeCorrelations()
    {
        int start = DecimatedLength - CorrelationWindow;
        ReadOnlySpan<float> current = _whitened.AsSpan(start, CorrelationWindow);
        double energy = _energyPrefix[DecimatedLength] - _energyPrefix[start];
        for (int s = 0; s < States; s++)
        {
            int lag = s + MinLag;
            ReadOnlySpan<float> past = _whitened.AsSpan(start - lag, CorrelationWindow);
            double pastEnergy = _energyPrefix[start - lag + CorrelationWindow] - _energyPrefix[start - lag];
            double dot = VectorMath.Dot(current, past);
            _correlation[s] = (float)(dot / Math.Sqrt((energy * pastEnergy) + 1e-18));
        }
    }

    private void ScoreObservations(Span<float> observation)
    {
        for (int s = 0; s < States; s++)
        {
            int lag = s + MinLag;
            float c = _correlation[s];
            int half = lag / 2;
            if (c > 0 && half - 1 >= MinLag)
            {
                int h = half - MinLag;
                float halfBest = MathF.Max(_correlation[h - 1], MathF.Max(_correlation[h], _correlation[Math.Min(h + 1, States - 1)]));
                if (c < 1.1f * halfBest)
                {
                    c *= SubharmonicFactor;
                }
            }

            observation[s] = c;
        }
    }

    private void Step(ReadOnlySpan<float> observation, Span<int> back)
    {
        int bestPrevious = ArgMax(_score);
        float flat = _score[bestPrevious] - FlatJumpCost;
        for (int s = 0; s < States; s++)
        {
            float best = flat;
            int from = bestPrevious;
            int lo = _neighbourLo[s];
            ReadOnlySpan<float> cost = _transitionCost.AsSpan(_transitionOffset[s], _transitionOffset[s + 1] - _transitionOffset[s]);
            (float candidate, int at) = BestDifference(_score.AsSpan(lo, cost.Length), cost);
            if (candidate > best)
            {
                best = candidate;
                from = lo + at;
            }

            _nextScore[s] = best + observation[s];
            back[s] = from;
        }

        // Keep the scores near zero: only differences matter.
        float top = _nextScore[ArgMax(_nextScore)];
        for (int s = 0; s < States; s++)
        {
            _score[s] = _nextScore[s] - top;
        }
    }

    /// <summary>The largest score(i) − cost(i) and the first i that reaches it (what a sequential strict-greater scan finds).</summary>
    internal static (float Value, int Index) BestDifference(ReadOnlySpan<float> score, ReadOnlySpan<float> cost)
    {
        int n = cost.Length;
        if (!Vector256.IsHardwareAccelerated || n < 2 * Vector256<float>.Count)
        {
            return BestDifferencePortable(score, cost);
        }

        ref float rs = ref MemoryMarshal.GetReference(score);
        ref float rc = ref MemoryMarshal.GetReference(cost);
        Vector256<float> most = Vector256.Create(float.NegativeInfinity);
        int i = 0;
        for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            most = Vector256.Max(most, Vector256.LoadUnsafe(ref rs, (nuint)i) - Vector256.LoadUnsafe(ref rc, (nuint)i));
        }

        float value = float.NegativeInfinity;
        for (int lane = 0; lane < Vector256<float>.Count; lane++)
        {
            value = MathF.Max(value, most[lane]);
        }

        for (; i < n; i++)
        {
            value = MathF.Max(value, Unsafe.Add(ref rs, i) - Unsafe.Add(ref rc, i));
        }

        for (int j = 0; j < n; j++)
        {
            float candidate = Unsafe.Add(ref rs, j) - Unsafe.Add(ref rc, j);
            if (candidate == value)
            {
                return (candidate, j);
            }
        }

        return BestDifferencePortable(score, cost);
    }

    internal static (float Value, int Index) BestDifferencePortable(ReadOnlySpan<float> score, ReadOnlySpan<float> cost)
    {
        float best = float.NegativeInfinity;
        int at = 0;
        for (int i = 0; i < cost.Length; i++)
        {
            float candidate = score[i] - cost[i];
            if (candidate > best)
            {
                best = candidate;
                at = i;
            }
        }

        return (best, at);
    }

    private int Decide()
    {
        int depth = _backPointers.Length;
        int state = ArgMax(_score);
        int frame = _frame - 1; // newest frame
        for (int i = 0; i < FrameLayout.LookaheadFrames; i++)
        {
            state = _backPointers[(((frame - i) % depth) + depth) % depth][state];
        }

        return state + MinLag;
    }

    private void Refine(ReadOnlySpan<float> history, int windowStart, int coarseLag)
    {
        ReadOnlySpan<float> signal = history; // the refinement runs on the raw 48 kHz history
        ReadOnlySpan<float> frame = signal.Slice(windowStart, FrameLayout.WindowSize);
        double energy = VectorMath.Dot(frame, frame);
        int lo = Math.Max(MinPeriod, (coarseLag * Decimation) - RefineRadius);
        int hi = Math.Min(MaxPeriod, (coarseLag * Decimation) + RefineRadius);
        float bestScore = float.NegativeInfinity;
        float bestCorrelation = 0f;
        int bestPeriod = coarseLag * Decimation;
        for (int t = lo; t <= hi; t++)
        {
            // Correlate the window with the copies the comb adds to it (±T, and ±2T when the comb uses them),
            // weighted by the comb's taps: the period that makes the comb most coherent, and a longer lag
            // (2T) sharpens the estimate.
            ReadOnlySpan<float> taps = CombFilter.Taps(t);
            int m = taps.Length / 2;
            float sum = 0, weight = 0, correlation = 0;
            for (int k = 1; k <= m; k++)
            {
                float past = Normalised(frame, signal, windowStart - (k * t), energy);
                float future = Normalised(frame, signal, windowStart + (k * t), energy);
                sum += taps[m + k] * (past + future);
                weight += 2 * taps[m + k];
                if (k == 1)
                {
                    correlation = 0.5f * (past + future);
                }
            }

            float score = sum / weight;

            if (score > bestScore)
            {
                bestScore = score;
                bestCorrelation = correlation;
                bestPeriod = t;
            }
        }

        Period = bestPeriod;
        Correlation = float.IsFinite(bestCorrelation) ? Math.Clamp(bestCorrelation, 0f, 1f) : 0f;
    }

    private static float Normalised(ReadOnlySpan<float> frame, ReadOnlySpan<float> signal, int otherStart, double energy)
    {
        (float dot, float otherEnergy) = VectorMath.DotAndSquares(frame, signal.Slice(otherStart, FrameLayout.WindowSize));
        return (float)(dot / Math.Sqrt((energy * (double)otherEnergy) + 1e-18));
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static float[] DesignLowPass(int taps, double cutoff)
    {
        // Windowed sinc (Blackman), unit DC gain.
        var h = new float[taps];
        double sum = 0;
        var raw = new double[taps];
        double centre = (taps - 1) / 2.0;
        for (int n = 0; n < taps; n++)
        {
            double x = n - centre;
            double sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            double w = 0.42 - (0.5 * Math.Cos(2 * Math.PI * n / (taps - 1))) + (0.08 * Math.Cos(4 * Math.PI * n / (taps - 1)));
            raw[n] = sinc * w;
            sum += raw[n];
        }

        for (int n = 0; n < taps; n++)
        {
            h[n] = (float)(raw[n] / sum);
        }

        return h;
    }
}

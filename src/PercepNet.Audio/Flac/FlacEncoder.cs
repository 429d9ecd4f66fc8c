namespace PercepNet.Audio.Flac;

/// <summary>
/// Encodes FLAC frames from integer samples, at about the reference encoder's default level: blocks of 4096, for
/// each channel the smallest of a constant, verbatim, fixed (orders 0–4) or LPC subframe (orders 1–8, Tukey-windowed
/// autocorrelation, 15-bit coefficients), wasted bits taken out, Rice partitions of order 0–6 with a parameter per
/// partition, and for two channels the smallest of the four stereo decorrelations.
/// </summary>
internal sealed class FlacEncoder
{
    /// <summary>Samples per channel in every frame but the last.</summary>
    public const int BlockSize = 4096;

    private const int MaxLpcOrder = 8;
    private const int MaxPartitionOrder = 6;
    private const int CoefficientPrecision = 15;

    private static readonly int[] TableRates = [0, 88200, 176400, 192000, 8000, 16000, 22050, 24000, 32000, 44100, 48000, 96000];

    private readonly int _channels;
    private readonly int _bits;
    private readonly int _sampleRate;
    private readonly FlacBitWriter _frame = new();
    private readonly long[] _mid = new long[BlockSize];
    private readonly long[] _side = new long[BlockSize];
    private readonly long[] _residual = new long[BlockSize];
    private readonly double[] _windowed = new double[BlockSize];
    private readonly double[] _window;
    private long _frameNumber;

    public FlacEncoder(int sampleRate, int channels, int bits)
    {
        (_sampleRate, _channels, _bits) = (sampleRate, channels, bits);
        _window = TukeyWindow(BlockSize);
    }

    /// <summary>
    /// Encodes one frame of <paramref name="count"/> samples per channel (<paramref name="channels"/>[c][0..count])
    /// and returns its bytes, valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> EncodeFrame(long[][] channels, int count)
    {
        double[] window = count == BlockSize ? _window : TukeyWindow(count);
        var plans = new SubframePlan[_channels];
        int assignment = _channels - 1;
        if (_channels == 2)
        {
            ReadOnlySpan<long> left = channels[0].AsSpan(0, count), right = channels[1].AsSpan(0, count);
            for (int i = 0; i < count; i++)
            {
                _side[i] = left[i] - right[i];
                _mid[i] = (left[i] + right[i]) >> 1;
            }

            SubframePlan l = Plan(left, _bits, window), r = Plan(right, _bits, window);
            SubframePlan s = Plan(_side.AsSpan(0, count), _bits + 1, window), m = Plan(_mid.AsSpan(0, count), _bits, window);
            (long cost, int code, SubframePlan a, SubframePlan b)[] choices =
            [
                (l.Bits + r.Bits, 1, l, r), (l.Bits + s.Bits, 8, l, s), (s.Bits + r.Bits, 9, s, r), (m.Bits + s.Bits, 10, m, s),
            ];
            var best = choices.MinBy(c => c.cost);
            (assignment, plans[0], plans[1]) = (best.code, best.a, best.b);
        }
        else
        {
            for (int c = 0; c < _channels; c++)
            {
                plans[c] = Plan(channels[c].AsSpan(0, count), _bits, window);
            }
        }

        _frame.Clear();
        WriteHeader(count, assignment);
        for (int c = 0; c < _channels; c++)
        {
            ReadOnlySpan<long> source = (assignment, c) switch
            {
                (8, 1) or (9, 0) or (10, 1) => _side.AsSpan(0, count),
                (10, 0) => _mid.AsSpan(0, count),
                _ => channels[c].AsSpan(0, count),
            };
            WriteSubframe(plans[c], source);
        }

        _frame.AlignToByte();
        ushort crc = FlacCrc.Crc16(_frame.Bytes);
        _frame.WriteBits(crc, 16);
        _frameNumber++;
        return _frame.Bytes;
    }

    private void WriteHeader(int count, int assignment)
    {
        _frame.WriteBits(0xFFF8, 16); // sync, reserved bit, fixed block size
        int sizeCode = count switch
        {
            192 => 1,
            576 or 1152 or 2304 or 4608 => 2 + System.Numerics.BitOperations.Log2((uint)(count / 576)),
            256 or 512 or 1024 or 2048 or 4096 or 8192 or 16384 or 32768 => 8 + System.Numerics.BitOperations.Log2((uint)(count / 256)),
            <= 256 => 6,
            _ => 7,
        };
        int rateIndex = Array.IndexOf(TableRates, _sampleRate, 1);
        int rateCode = rateIndex > 0 ? rateIndex
            : _sampleRate % 1000 == 0 && _sampleRate / 1000 <= 255 ? 12
            : _sampleRate <= 65535 ? 13
            : _sampleRate % 10 == 0 && _sampleRate / 10 <= 65535 ? 14
            : 0;
        int bitsCode = _bits switch { 8 => 1, 12 => 2, 16 => 4, 20 => 5, 24 => 6, 32 => 7, _ => 0 };
        _frame.WriteBits((uint)sizeCode, 4);
        _frame.WriteBits((uint)rateCode, 4);
        _frame.WriteBits((uint)assignment, 4);
        _frame.WriteBits((uint)bitsCode, 3);
        _frame.WriteBits(0, 1);
        WriteCodedNumber(_frameNumber);
        if (sizeCode == 6)
        {
            _frame.WriteBits((uint)(count - 1), 8);
        }
        else if (sizeCode == 7)
        {
            _frame.WriteBits((uint)(count - 1), 16);
        }

        switch (rateCode)
        {
            case 12:
                _frame.WriteBits((uint)(_sampleRate / 1000), 8);
                break;
            case 13:
                _frame.WriteBits((uint)_sampleRate, 16);
                break;
            case 14:
                _frame.WriteBits((uint)(_sampleRate / 10), 16);
                break;
        }

        _frame.WriteBits(FlacCrc.Crc8(_frame.Bytes), 8);
    }

    /// <summary>A number in one to seven bytes, coded as UTF-8 codes characters (up to 36 bits).</summary>
    private void WriteCodedNumber(long value)
    {
        if (value < 0x80)
        {
            _frame.WriteBits((ulong)value, 8);
            return;
        }

        int extra = value < 0x800 ? 1 : value < 0x10000 ? 2 : value < 0x200000 ? 3 : value < 0x4000000 ? 4 : value < 0x80000000 ? 5 : 6;
        uint lead = extra == 6 ? 0xFEu : (0xFF00u >> (extra + 1)) & 0xFF;
        _frame.WriteBits(lead | (uint)(value >> (6 * extra)), 8);
        for (int i = extra - 1; i >= 0; i--)
        {
            _frame.WriteBits(0x80 | (uint)((value >> (6 * i)) & 0x3F), 8);
        }
    }

    /// <summary>How one channel's subframe will be coded, and its size in bits.</summary>
    private sealed class SubframePlan
    {
        public int Type { get; init; } // 0 constant, 1 verbatim, 8 + order fixed, 31 + order LPC
        public int Bits { get; set; }   // the whole subframe
        public int SampleBits { get; init; }
        public int Wasted { get; init; }
        public int Order { get; init; }
        public long[] Coefficients { get; init; } = [];
        public int Shift { get; init; }
        public int PartitionOrder { get; set; }
        public int[] Parameters { get; set; } = [];
    }

    private SubframePlan Plan(ReadOnlySpan<long> samples, int bits, double[] window)
    {
        long first = samples[0];
        bool constant = true;
        long or = 0;
        foreach (long v in samples)
        {
            constant &= v == first;
            or |= v;
        }

        if (constant)
        {
            return new SubframePlan { Type = 0, SampleBits = bits, Bits = 8 + bits };
        }

        int wasted = Math.Min(System.Numerics.BitOperations.TrailingZeroCount(or), bits - 1);
        int kept = bits - wasted;
        int headerBits = 8 + (wasted > 0 ? wasted : 0);
        var best = new SubframePlan { Type = 1, SampleBits = kept, Wasted = wasted, Bits = headerBits + (samples.Length * kept) };
        long[] shifted = new long[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            shifted[i] = samples[i] >> wasted;
        }

        for (int order = 0; order <= 4 && order < samples.Length; order++)
        {
            FixedResidual(shifted, order, _residual);
            Consider(ref best, new SubframePlan { Type = 8 + order, SampleBits = kept, Wasted = wasted, Order = order }, headerBits + (order * kept), samples.Length);
        }

        int maxOrder = Math.Min(MaxLpcOrder, samples.Length - 1);
        if (maxOrder >= 1)
        {
            double[][] predictors = LinearPredictors(shifted, window, maxOrder);
            for (int order = 1; order <= predictors.Length; order++)
            {
                if (!Quantise(predictors[order - 1], out long[] coefficients, out int shift))
                {
                    continue;
                }

                LpcResidual(shifted, coefficients, shift, _residual);
                var plan = new SubframePlan { Type = 31 + order, SampleBits = kept, Wasted = wasted, Order = order, Coefficients = coefficients, Shift = shift };
                Consider(ref best, plan, headerBits + (order * kept) + 4 + 5 + (order * CoefficientPrecision), samples.Length);
            }
        }

        return best;
    }

    /// <summary>Keeps <paramref name="plan"/> (whose residual is in <see cref="_residual"/>) when it is smaller than <paramref name="best"/>.</summary>
    private void Consider(ref SubframePlan best, SubframePlan plan, int fixedBits, int count)
    {
        ReadOnlySpan<long> residual = _residual.AsSpan(plan.Order, count - plan.Order);
        foreach (long r in residual)
        {
            // A residual must fit in 32 bits, as decoders assume.
            if (r > int.MaxValue || r <= int.MinValue)
            {
                return;
            }
        }

        (int bits, int partitionOrder, int[] parameters) = RiceCost(residual, count, plan.Order);
        int total = fixedBits + bits;
        if (total < best.Bits)
        {
            plan.Bits = total;
            plan.PartitionOrder = partitionOrder;
            plan.Parameters = parameters;
            best = plan;
        }
    }

    /// <summary>The cheapest Rice coding of a residual: partition order, a parameter per partition, and the bits (with the 6-bit method and order header).</summary>
    private static (int Bits, int PartitionOrder, int[] Parameters) RiceCost(ReadOnlySpan<long> residual, int count, int order)
    {
        int best = int.MaxValue, bestOrder = 0;
        int[] bestParameters = [];
        for (int p = 0; p <= MaxPartitionOrder; p++)
        {
            int partitions = 1 << p;
            if (count % partitions != 0 || (count >> p) <= order)
            {
                break;
            }

            int per = count >> p;
            var parameters = new int[partitions];
            long bits = 2 + 4;
            int at = 0;
            for (int q = 0; q < partitions; q++)
            {
                int n = q == 0 ? per - order : per;
                (int k, long cost) = BestParameter(residual.Slice(at, n));
                at += n;
                parameters[q] = k;
                bits += cost;
            }

            bool needsWide = parameters.Any(k => k > 14);
            bits += partitions * (needsWide ? 5 : 4);
            if (bits < best)
            {
                (best, bestOrder, bestParameters) = ((int)Math.Min(bits, int.MaxValue - 1), p, parameters);
            }
        }

        return (best, bestOrder, bestParameters);
    }

    /// <summary>The Rice parameter with the fewest bits for a partition, and those bits (without the parameter's own).</summary>
    private static (int K, long Bits) BestParameter(ReadOnlySpan<long> values)
    {
        if (values.IsEmpty)
        {
            return (0, 0);
        }

        ulong sum = 0;
        foreach (long v in values)
        {
            sum += Fold(v);
        }

        double mean = sum / (double)values.Length;
        int guess = mean < 1 ? 0 : Math.Min(30, (int)Math.Floor(Math.Log2(mean)));
        int bestK = 0;
        long bestBits = long.MaxValue;
        for (int k = Math.Max(0, guess - 1); k <= Math.Min(30, guess + 1); k++)
        {
            long bits = values.Length * (long)(k + 1);
            foreach (long v in values)
            {
                bits += (long)(Fold(v) >> k);
            }

            if (bits < bestBits)
            {
                (bestK, bestBits) = (k, bits);
            }
        }

        return (bestK, bestBits);
    }

    private static ulong Fold(long v) => (ulong)((v << 1) ^ (v >> 63));

    private void WriteSubframe(SubframePlan plan, ReadOnlySpan<long> source)
    {
        _frame.WriteBits(0, 1);
        _frame.WriteBits((uint)plan.Type, 6);
        if (plan.Wasted > 0)
        {
            _frame.WriteBits(1, 1);
            _frame.WriteUnary((uint)(plan.Wasted - 1));
        }
        else
        {
            _frame.WriteBits(0, 1);
        }

        if (plan.Type == 0)
        {
            _frame.WriteSigned(source[0], plan.SampleBits);
            return;
        }

        var samples = new long[source.Length];
        for (int i = 0; i < source.Length; i++)
        {
            samples[i] = source[i] >> plan.Wasted;
        }

        if (plan.Type == 1)
        {
            foreach (long v in samples)
            {
                _frame.WriteSigned(v, plan.SampleBits);
            }

            return;
        }

        for (int i = 0; i < plan.Order; i++)
        {
            _frame.WriteSigned(samples[i], plan.SampleBits);
        }

        if (plan.Type >= 32)
        {
            _frame.WriteBits(CoefficientPrecision - 1, 4);
            _frame.WriteSigned(plan.Shift, 5);
            foreach (long c in plan.Coefficients)
            {
                _frame.WriteSigned(c, CoefficientPrecision);
            }

            LpcResidual(samples, plan.Coefficients, plan.Shift, _residual);
        }
        else
        {
            FixedResidual(samples, plan.Order, _residual);
        }

        WriteResidual(plan, _residual.AsSpan(0, samples.Length));
    }

    private void WriteResidual(SubframePlan plan, ReadOnlySpan<long> residual)
    {
        bool wide = plan.Parameters.Any(k => k > 14);
        _frame.WriteBits(wide ? 1u : 0u, 2);
        _frame.WriteBits((uint)plan.PartitionOrder, 4);
        int per = residual.Length >> plan.PartitionOrder;
        int at = plan.Order;
        for (int q = 0; q < plan.Parameters.Length; q++)
        {
            int k = plan.Parameters[q];
            _frame.WriteBits((uint)k, wide ? 5 : 4);
            int end = (q + 1) * per;
            for (; at < end; at++)
            {
                ulong u = Fold(residual[at]);
                _frame.WriteUnary((uint)(u >> k));
                _frame.WriteBits(u, k);
            }
        }
    }

    private static void FixedResidual(ReadOnlySpan<long> s, int order, Span<long> residual)
    {
        for (int i = order; i < s.Length; i++)
        {
            residual[i] = order switch
            {
                0 => s[i],
                1 => s[i] - s[i - 1],
                2 => s[i] - (2 * s[i - 1]) + s[i - 2],
                3 => s[i] - (3 * (s[i - 1] - s[i - 2])) - s[i - 3],
                _ => s[i] - (4 * (s[i - 1] + s[i - 3])) + (6 * s[i - 2]) + s[i - 4],
            };
        }
    }

    private static void LpcResidual(ReadOnlySpan<long> s, long[] coefficients, int shift, Span<long> residual)
    {
        int order = coefficients.Length;
        for (int i = order; i < s.Length; i++)
        {
            long sum = 0;
            for (int j = 0; j < order; j++)
            {
                sum += coefficients[j] * s[i - 1 - j];
            }

            residual[i] = s[i] - (sum >> shift);
        }
    }

    /// <summary>
    /// The predictors of orders 1 to <paramref name="maxOrder"/> of the windowed block (Levinson–Durbin on its
    /// autocorrelation); predictor j's coefficient 0 weighs the latest sample. Fewer when the recursion stops early.
    /// </summary>
    private double[][] LinearPredictors(ReadOnlySpan<long> samples, double[] window, int maxOrder)
    {
        int n = samples.Length;
        Span<double> x = _windowed.AsSpan(0, n);
        for (int i = 0; i < n; i++)
        {
            x[i] = samples[i] * window[i];
        }

        var r = new double[maxOrder + 1];
        for (int lag = 0; lag <= maxOrder; lag++)
        {
            double sum = 0;
            for (int i = lag; i < n; i++)
            {
                sum += x[i] * x[i - lag];
            }

            r[lag] = sum;
        }

        var result = new List<double[]>();
        if (r[0] <= 0)
        {
            return [];
        }

        r[0] *= 1 + 1e-9; // a little white noise keeps the recursion stable on exact tones
        var a = new double[maxOrder];
        double error = r[0];
        for (int m = 0; m < maxOrder; m++)
        {
            double acc = r[m + 1];
            for (int j = 0; j < m; j++)
            {
                acc -= a[j] * r[m - j];
            }

            double k = acc / error;
            var next = (double[])a.Clone();
            next[m] = k;
            for (int j = 0; j < m; j++)
            {
                next[j] = a[j] - (k * a[m - 1 - j]);
            }

            a = next;
            error *= 1 - (k * k);
            result.Add(a[..(m + 1)]);
            if (error <= 0)
            {
                break;
            }
        }

        return [.. result];
    }

    /// <summary>Coefficients in <see cref="CoefficientPrecision"/> bits with a shift, rounding errors carried forward; false when they cannot be.</summary>
    private static bool Quantise(double[] predictor, out long[] coefficients, out int shift)
    {
        coefficients = new long[predictor.Length];
        double largest = predictor.Max(Math.Abs);
        shift = 0;
        if (!(largest > 0) || !double.IsFinite(largest))
        {
            return false;
        }

        int exponent = Math.ILogB(largest) + 1; // largest < 2^exponent
        shift = Math.Min(15, CoefficientPrecision - 1 - exponent);
        if (shift < 0)
        {
            return false;
        }

        long top = (1L << (CoefficientPrecision - 1)) - 1, bottom = -(1L << (CoefficientPrecision - 1));
        double carried = 0;
        for (int j = 0; j < predictor.Length; j++)
        {
            double exact = (predictor[j] * (1L << shift)) + carried;
            long q = Math.Clamp((long)Math.Round(exact), bottom, top);
            carried = exact - q;
            coefficients[j] = q;
        }

        return true;
    }

    private static double[] TukeyWindow(int n)
    {
        // Tukey with half its length tapered, as the reference encoder uses by default.
        var w = new double[n];
        int taper = n / 4;
        for (int i = 0; i < n; i++)
        {
            w[i] = i < taper ? 0.5 * (1 - Math.Cos(Math.PI * i / taper))
                : i >= n - taper ? 0.5 * (1 - Math.Cos(Math.PI * (n - 1 - i) / taper))
                : 1;
        }

        return w;
    }
}

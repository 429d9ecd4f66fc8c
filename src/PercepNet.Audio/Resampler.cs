using NAudio.Dsp;

namespace PercepNet.Audio;

/// <summary>
/// Band-limited streaming resampler for one channel: NAudio's WDL resampler in windowed-sinc mode (64 taps,
/// 32× interpolated), which compensates its own filter delay, so input and output stay time-aligned.
/// </summary>
public sealed class Resampler
{
    private const int Chunk = 4096;
    private readonly WdlResampler _wdl = new();
    private readonly float[] _outBuffer;

    /// <summary>A resampler from <paramref name="inputRate"/> to <paramref name="outputRate"/> Hz.</summary>
    /// <param name="inputRate">The rate of the samples given to <see cref="Process"/>.</param>
    /// <param name="outputRate">The rate of the samples it produces.</param>
    public Resampler(int inputRate, int outputRate)
    {
        if (inputRate <= 0 || outputRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inputRate), "Sample rates must be positive.");
        }

        InputRate = inputRate;
        OutputRate = outputRate;
        _wdl.SetMode(true, 0, true, 64, 32);
        _wdl.SetFeedMode(true);
        _wdl.SetRates(inputRate, outputRate);
        _outBuffer = new float[(int)((long)Chunk * outputRate / inputRate) + 64];
    }

    /// <summary>The rate of the input, in Hz.</summary>
    public int InputRate { get; }

    /// <summary>The rate of the output, in Hz.</summary>
    public int OutputRate { get; }

    /// <summary>Consumes all of <paramref name="input"/> and appends what it produces to <paramref name="output"/>.</summary>
    public void Process(ReadOnlySpan<float> input, List<float> output)
    {
        for (int pos = 0; pos < input.Length; pos += Chunk)
        {
            int n = Math.Min(Chunk, input.Length - pos);
            int need = _wdl.ResamplePrepare(n, 1, out Span<float> inBuffer);
            input.Slice(pos, Math.Min(need, n)).CopyTo(inBuffer);
            int got = _wdl.ResampleOut(_outBuffer, need, _outBuffer.Length, 1);
            output.AddRange(_outBuffer.AsSpan(0, got));
        }
    }

    /// <summary>Resamples a whole signal; the result has round(length·out/in) samples, aligned with the input.</summary>
    public static float[] Resample(ReadOnlySpan<float> input, int inputRate, int outputRate)
    {
        if (inputRate == outputRate)
        {
            return input.ToArray();
        }

        int expected = (int)Math.Round((double)input.Length * outputRate / inputRate);
        var resampler = new Resampler(inputRate, outputRate);
        var output = new List<float>(expected + 1024);
        resampler.Process(input, output);
        var silence = new float[Math.Max(256, inputRate / 50)];
        for (int tries = 0; output.Count < expected && tries < 100; tries++)
        {
            resampler.Process(silence, output);
        }

        var result = new float[expected];
        for (int i = 0; i < expected && i < output.Count; i++)
        {
            result[i] = output[i];
        }

        return result;
    }
}

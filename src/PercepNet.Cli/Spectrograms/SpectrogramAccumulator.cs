using PercepNet.Audio;
using PercepNet.Dsp;

namespace PercepNet.Cli.Spectrograms;

/// <summary>
/// A power spectrogram of a stream of any length in bounded memory: 960-sample Vorbis-windowed frames every 480
/// samples, each column the mean power of one or more consecutive frames. When the columns reach
/// <see cref="MaxColumns"/>, neighbours are merged in pairs, so a 2-hour file keeps between MaxColumns/2 and
/// MaxColumns columns, each covering the same number of frames (the last may cover fewer).
/// </summary>
internal sealed class SpectrogramAccumulator
{
    public const int FrameLength = FrameLayout.WindowSize;
    public const int Hop = FrameLayout.HopSize;

    private readonly RealFft _fft = new(FrameLength);
    private readonly float[] _history = new float[FrameLength];
    private readonly float[] _windowed = new float[FrameLength];
    private readonly ComplexF[] _spectrum = new ComplexF[(FrameLength / 2) + 1];
    private readonly List<float[]> _columns = [];
    private readonly List<int> _counts = [];
    private int _filled;
    private int _framesPerColumn = 1;

    public SpectrogramAccumulator(int sampleRate, int maxColumns = 1600)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxColumns, 2);
        if (maxColumns % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxColumns), "The column limit must be even (columns merge in pairs).");
        }

        SampleRate = sampleRate;
        MaxColumns = maxColumns;
    }

    public int SampleRate { get; }

    public int MaxColumns { get; }

    public int Bins => (FrameLength / 2) + 1;

    /// <summary>Number of columns so far.</summary>
    public int Columns => _columns.Count;

    /// <summary>Frames averaged into each column (a power of two).</summary>
    public int FramesPerColumn => _framesPerColumn;

    /// <summary>Mean power of column <paramref name="column"/>, bin by bin (0 Hz to half the sample rate).</summary>
    public ReadOnlySpan<float> Column(int column) => _columns[column];

    /// <summary>Adds mono samples.</summary>
    public void Add(ReadOnlySpan<float> samples)
    {
        while (!samples.IsEmpty)
        {
            int take = Math.Min(Hop - _filled, samples.Length);
            samples[..take].CopyTo(_history.AsSpan(FrameLength - Hop + _filled));
            _filled += take;
            samples = samples[take..];
            if (_filled == Hop)
            {
                AddFrame();
                _history.AsSpan(Hop).CopyTo(_history);
                _filled = 0;
            }
        }
    }

    /// <summary>Adds interleaved samples of <paramref name="channels"/> channels as their mean.</summary>
    public void AddInterleaved(ReadOnlySpan<float> samples, int channels)
    {
        if (channels == 1)
        {
            Add(samples);
            return;
        }

        Span<float> mono = stackalloc float[256];
        while (samples.Length >= channels)
        {
            int frames = Math.Min(mono.Length, samples.Length / channels);
            ChannelMix.ToMono(samples[..(frames * channels)], channels, mono[..frames]);
            Add(mono[..frames]);
            samples = samples[(frames * channels)..];
        }
    }

    private void AddFrame()
    {
        VorbisWindow.Apply(_history, _windowed);
        _fft.Forward(_windowed, _spectrum);
        if (_columns.Count == 0 || _counts[^1] == _framesPerColumn)
        {
            if (_columns.Count == MaxColumns)
            {
                MergePairs();
            }

            _columns.Add(new float[Bins]);
            _counts.Add(0);
        }

        float[] column = _columns[^1];
        int count = _counts[^1];
        for (int k = 0; k < Bins; k++)
        {
            column[k] = ((column[k] * count) + _spectrum[k].MagnitudeSquared) / (count + 1);
        }

        _counts[^1] = count + 1;
    }

    private void MergePairs()
    {
        for (int i = 0; i < _columns.Count / 2; i++)
        {
            float[] a = _columns[2 * i], b = _columns[(2 * i) + 1];
            for (int k = 0; k < a.Length; k++)
            {
                a[k] = 0.5f * (a[k] + b[k]);
            }

            _columns[i] = a;
            _counts[i] = 2 * _framesPerColumn;
        }

        _columns.RemoveRange(_columns.Count / 2, _columns.Count - (_columns.Count / 2));
        _counts.RemoveRange(_counts.Count / 2, _counts.Count - (_counts.Count / 2));
        _framesPerColumn *= 2;
    }
}

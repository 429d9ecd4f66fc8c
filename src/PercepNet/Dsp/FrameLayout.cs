namespace PercepNet.Dsp;

/// <summary>The fixed framing of DESIGN §1: 48 kHz, 10 ms hop, 20 ms window, 2 frames of look-ahead.</summary>
internal static class FrameLayout
{
    public const int SampleRate = 48000;

    /// <summary>Hop size: samples per 10 ms frame.</summary>
    public const int HopSize = 480;

    /// <summary>Analysis and synthesis window length (20 ms).</summary>
    public const int WindowSize = 960;

    /// <summary>Real-FFT bins, 50 Hz apart.</summary>
    public const int BinCount = (WindowSize / 2) + 1;

    /// <summary>Frames the network (and the pitch tracker) sees beyond the frame being enhanced.</summary>
    public const int LookaheadFrames = 2;

    /// <summary>
    /// Delay of the output behind the input when the chain is fed whole 480-sample frames:
    /// 10 ms of window overlap plus 20 ms of look-ahead (DESIGN §1).
    /// </summary>
    public const int FrameLatency = HopSize + (LookaheadFrames * HopSize);

    /// <summary>
    /// Delay of the block-size-agnostic streaming API: the frame latency plus the 479 samples that may wait
    /// for a hop to fill when blocks are not whole frames. Fixed, so every block size gives the same output.
    /// </summary>
    public const int StreamLatency = FrameLatency + HopSize - 1;
}

namespace PercepNet.Audio;

/// <summary>
/// Runs a third-party decoder's reads on a thread of their own and gives up on one that makes no progress for
/// its patience: NVorbis can loop without end inside a read on some malformed streams (found by fuzzing),
/// and a thread cannot be stopped, so the stuck read is abandoned (its thread is a background thread and spins until
/// the process exits) and the file is reported as corrupt instead of hanging the caller.
/// </summary>
internal sealed class DecoderWatchdog : IDisposable
{
    private readonly Func<float[], int, int> _decode;
    private Action? _work;
    private readonly SemaphoreSlim _request = new(0, 1);
    private readonly SemaphoreSlim _done = new(0, 1);
    private readonly Thread _thread;
    private float[] _buffer = [];
    private Exception? _error;
    private bool _stuck;
    private volatile bool _disposed;

    private readonly TimeSpan _patience;

    /// <param name="decode">Reads up to the given number of samples into the buffer; returns how many (0 at the end); it may use a decoder that <see cref="Call{T}"/> makes later.</param>
    /// <param name="patience">How long one read may take; <see cref="DefaultPatience"/> when null.</param>
    public DecoderWatchdog(Func<float[], int, int> decode, TimeSpan? patience = null)
    {
        _decode = decode;
        _patience = patience ?? DefaultPatience;
        _thread = new Thread(Loop) { IsBackground = true, Name = "decoder" };
        _thread.Start();
    }

    /// <summary>How long one read may take; generous, since a healthy read of half a second of audio takes milliseconds.</summary>
    public static TimeSpan DefaultPatience { get; set; } = TimeSpan.FromSeconds(30);

    private static long s_abandoned;

    /// <summary>How many decoder threads this process has given up on (the fuzzing harnesses count a stall as a finding).</summary>
    public static long Abandoned => Interlocked.Read(ref s_abandoned);

    /// <summary>Decodes into <paramref name="samples"/>; throws <see cref="TimeoutException"/> when the decoder is stuck.</summary>
    public int Read(Span<float> samples)
    {
        if (_buffer.Length < samples.Length)
        {
            _buffer = new float[samples.Length];
        }

        int count = samples.Length;
        int got = Call(() => _decode(_buffer, count));
        _buffer.AsSpan(0, got).CopyTo(samples);
        return got;
    }

    /// <summary>Runs any call into the decoder (opening, seeking, its length) on the watched thread.</summary>
    public T Call<T>(Func<T> work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_stuck)
        {
            throw new TimeoutException("the decoder stopped making progress");
        }

        object? result = null;
        _work = () => result = work();
        _error = null;
        _request.Release();
        if (!_done.Wait(_patience))
        {
            _stuck = true;
            Interlocked.Increment(ref s_abandoned);
            try
            {
                // The abandoned thread keeps spinning; let it have only what no other thread wants.
                _thread.Priority = ThreadPriority.Lowest;
            }
            catch (Exception e) when (e is ThreadStateException or PlatformNotSupportedException or UnauthorizedAccessException)
            {
            }

            throw new TimeoutException("the decoder stopped making progress");
        }

        if (_error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_error);
        }

        return (T)result!;
    }

    /// <summary>Stops the thread after its current read (a stuck one is left behind).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_stuck)
        {
            _request.Release();
        }
    }

    /// <summary>Whether the decoder is stuck in a read (its resources must then be left alone).</summary>
    public bool Stuck => _stuck;

    private void Loop()
    {
        while (true)
        {
            _request.Wait();
            if (_disposed)
            {
                return;
            }

            try
            {
                _work!();
            }
            catch (Exception e)
            {
                _error = e;
            }

            _done.Release();
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace PercepNet.Native;

/// <summary>
/// The exports of libpercepnet (include/percepnet.h): a thin shell over <see cref="StreamDenoiser"/>. Every export
/// catches everything, so no exception crosses into C; errors are return codes with the text kept per thread.
/// </summary>
internal static unsafe class NativeApi
{
    private const int Ok = 0;
    private const int ErrorNull = -1;
    private const int ErrorArgument = -2;
    private const int ErrorModel = -3;
    private const int ErrorState = -4;
    private const int ErrorInternal = -5;

    /// <summary>The knob behind each parameter number of the header (PERCEPNET_PARAM_*), in order.</summary>
    private static readonly Setting[] Params =
        [Setting.AttenuationLimitDb, Setting.PostfilterStrength, Setting.VoiceGateThreshold, Setting.VoiceGateHoldMs];

    /// <summary>Marks a live state; cleared when it is destroyed.</summary>
    private const uint LiveMagic = 0x504E_4554; // "PNET"

    private static readonly byte* VersionText = AllocateText(typeof(NativeApi).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0");

    [ThreadStatic]
    private static byte[]? _lastError;

    /// <summary>What a percepnet_state* points to: native memory, so that a stale or foreign pointer can be recognised.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct StateBlock
    {
        public uint Magic;
        public nint Handle; // GCHandle of the StreamDenoiser
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_version")]
    private static byte* Version() => VersionText;

    [UnmanagedCallersOnly(EntryPoint = "percepnet_create")]
    private static int Create(byte* modelPath, int sampleRate, int channels, StateBlock** state)
    {
        try
        {
            if (state == null)
            {
                return Fail(ErrorNull, "state: the pointer to store the new state in is NULL");
            }

            *state = null;
            if (StreamDenoiser.Refuses(sampleRate, channels) is string problem)
            {
                return Fail(ErrorArgument, problem);
            }

            Model model;
            if (modelPath == null)
            {
                model = Model.Default;
            }
            else
            {
                string path = Marshal.PtrToStringUTF8((nint)modelPath) ?? "";
                try
                {
                    model = Model.Load(path);
                }
                catch (Exception e) when (e is ModelFormatException or IOException or UnauthorizedAccessException or ArgumentException)
                {
                    return Fail(ErrorModel, $"{path}: {e.Message}");
                }
            }

            var stream = new StreamDenoiser(sampleRate, channels, model);
            (model ?? Model.Default).PrepareForLiveUse(); // here, not in the first process call after a silence
            var block = (StateBlock*)NativeMemory.AllocZeroed((nuint)sizeof(StateBlock));
            block->Handle = GCHandle.ToIntPtr(GCHandle.Alloc(stream));
            block->Magic = LiveMagic;
            *state = block;
            return Ok;
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, e.Message);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_destroy")]
    private static void Destroy(StateBlock* state)
    {
        try
        {
            if (state == null || state->Magic != LiveMagic)
            {
                return;
            }

            state->Magic = 0;
            GCHandle.FromIntPtr(state->Handle).Free();
            NativeMemory.Free(state);
        }
        catch (Exception e)
        {
            Fail(ErrorInternal, e.Message);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_process")]
    private static int Process(StateBlock* state, float* input, float* output, int frames)
    {
        try
        {
            if (Find(state, out int error) is not StreamDenoiser stream)
            {
                return error;
            }

            if (frames == 0)
            {
                return Ok;
            }

            if (input == null || output == null)
            {
                return Fail(ErrorNull, input == null ? "input is NULL" : "output is NULL");
            }

            int channels = stream.Channels;
            if (frames < 0 || frames > int.MaxValue / channels)
            {
                return Fail(ErrorArgument, $"frames: {frames} is not a frame count");
            }

            int samples = frames * channels;
            stream.Process(new ReadOnlySpan<float>(input, samples), new Span<float>(output, samples));
            return Ok;
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, e.Message);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_process_planar")]
    private static int ProcessPlanar(StateBlock* state, float** inputs, float** outputs, int frames)
    {
        try
        {
            if (Find(state, out int error) is not StreamDenoiser stream)
            {
                return error;
            }

            if (frames == 0)
            {
                return Ok;
            }

            if (inputs == null || outputs == null)
            {
                return Fail(ErrorNull, inputs == null ? "inputs is NULL" : "outputs is NULL");
            }

            if (frames < 0)
            {
                return Fail(ErrorArgument, $"frames: {frames} is not a frame count");
            }

            int channels = stream.Channels;
            for (int c = 0; c < channels; c++)
            {
                if (inputs[c] == null || outputs[c] == null)
                {
                    return Fail(ErrorNull, $"the buffer of channel {c} is NULL");
                }
            }

            for (int c = 0; c < channels; c++)
            {
                stream.ProcessChannel(c, new ReadOnlySpan<float>(inputs[c], frames), new Span<float>(outputs[c], frames));
            }

            return Ok;
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, e.Message);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_latency")]
    private static int Latency(StateBlock* state)
    {
        try
        {
            return Find(state, out int error) is StreamDenoiser stream ? stream.Latency : error;
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, e.Message);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_set_param")]
    private static int SetParam(StateBlock* state, int param, float value)
    {
        try
        {
            if (Find(state, out int error) is not StreamDenoiser stream)
            {
                return error;
            }

            if ((uint)param >= (uint)Params.Length)
            {
                return Fail(ErrorArgument, $"parameter {param} does not exist");
            }

            SettingRange range = SettingRange.Of(Params[param]);
            if (!range.Accepts(value))
            {
                return Fail(ErrorArgument, $"parameter {param}: {value} is out of range ({range.Rule.TrimEnd('.')})");
            }

            stream.Settings = stream.Settings.With(range.Setting, value);
            return Ok;
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, e.Message);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_get_param")]
    private static int GetParam(StateBlock* state, int param, float* value)
    {
        try
        {
            if (Find(state, out int error) is not StreamDenoiser stream)
            {
                return error;
            }

            if (value == null)
            {
                return Fail(ErrorNull, "value is NULL");
            }

            if ((uint)param >= (uint)Params.Length)
            {
                return Fail(ErrorArgument, $"parameter {param} does not exist");
            }

            *value = stream.Settings[Params[param]];
            return Ok;
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, e.Message);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_speech_probability")]
    private static int SpeechProbability(StateBlock* state, float* probability)
    {
        try
        {
            if (Find(state, out int error) is not StreamDenoiser stream)
            {
                return error;
            }

            if (probability == null)
            {
                return Fail(ErrorNull, "probability is NULL");
            }

            *probability = stream.SpeechActivity;
            return Ok;
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, e.Message);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_reset")]
    private static int Reset(StateBlock* state)
    {
        try
        {
            if (Find(state, out int error) is not StreamDenoiser stream)
            {
                return error;
            }

            stream.Reset();
            return Ok;
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, e.Message);
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_last_error")]
    private static byte* LastError()
    {
        _lastError ??= GC.AllocateArray<byte>(512, pinned: true);
        return (byte*)Unsafe.AsPointer(ref _lastError[0]);
    }

    [UnmanagedCallersOnly(EntryPoint = "percepnet_runtime_collections")]
    private static int RuntimeCollections() => GC.CollectionCount(0);

    /// <summary>The stream behind a state pointer, or null with <paramref name="error"/> set (and its text kept).</summary>
    private static StreamDenoiser? Find(StateBlock* state, out int error)
    {
        error = Ok;
        if (state == null)
        {
            error = Fail(ErrorNull, "state is NULL");
            return null;
        }

        if (state->Magic != LiveMagic || GCHandle.FromIntPtr(state->Handle).Target is not StreamDenoiser found)
        {
            error = Fail(ErrorState, "state is not a live state made by percepnet_create (destroyed already?)");
            return null;
        }

        return found;
    }

    /// <summary>Keeps <paramref name="message"/> as the calling thread's last error and returns <paramref name="code"/>.</summary>
    private static int Fail(int code, string message)
    {
        _lastError ??= GC.AllocateArray<byte>(512, pinned: true);
        int length = Encoding.UTF8.GetBytes(message.AsSpan(0, Math.Min(message.Length, 160)), _lastError);
        _lastError[Math.Min(length, _lastError.Length - 1)] = 0;
        return code;
    }

    private static byte* AllocateText(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text + "\0");
        var memory = (byte*)NativeMemory.Alloc((nuint)bytes.Length);
        bytes.CopyTo(new Span<byte>(memory, bytes.Length));
        return memory;
    }
}

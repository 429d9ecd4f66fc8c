/*
 * percepnet.h - the C interface of libpercepnet: real-time speech enhancement (PercepNet) for audio at any sample
 * rate from 8 to 384 kHz and up to 64 interleaved channels.
 *
 * One state per audio stream. Calls on one state must not overlap (use it from one thread at a time); different
 * states may be used on different threads at once. percepnet_process() and the parameter calls allocate nothing, take
 * no lock and do no I/O, so they may run on an audio thread; percepnet_create() and percepnet_destroy() may not.
 * (The first call from a thread the library has not seen before registers that thread with the library's runtime;
 * hosts that care can make one call from each audio thread before streaming, e.g. percepnet_latency().)
 *
 * Errors are return codes (PERCEPNET_OK is 0, errors are negative); percepnet_last_error() describes the last error
 * on the calling thread. Nothing ever throws across this interface, and NULL or invalid arguments are refused.
 *
 * MIT licence. The project's README (section "C library and plugins") shows how to build and use it.
 */
#ifndef PERCEPNET_H
#define PERCEPNET_H

#ifdef __cplusplus
extern "C" {
#endif

/* Return codes. */
#define PERCEPNET_OK 0
#define PERCEPNET_ERROR_NULL (-1)         /* a required pointer argument is NULL */
#define PERCEPNET_ERROR_ARGUMENT (-2)     /* an argument is out of range (rate, channels, frames, parameter, value) */
#define PERCEPNET_ERROR_MODEL (-3)        /* the model file cannot be read or is not a PercepNet model */
#define PERCEPNET_ERROR_STATE (-4)        /* the state pointer is not a live state made by percepnet_create() */
#define PERCEPNET_ERROR_INTERNAL (-5)     /* an unexpected failure inside the library (a bug: please report it) */

/* Parameters for percepnet_set_param() / percepnet_get_param(). Changes apply from the next 10 ms frame. */
#define PERCEPNET_PARAM_ATTENUATION_LIMIT_DB 0   /* most attenuation of any band, dB: 0 = pass-through ... INFINITY (default) = no limit */
#define PERCEPNET_PARAM_POSTFILTER_STRENGTH 1    /* envelope postfilter, 0 = off ... 1 = full (default) */
#define PERCEPNET_PARAM_VOICE_GATE_THRESHOLD 2   /* speech probability at which the voice gate opens, 0 = no gate (default) ... 1 */
#define PERCEPNET_PARAM_VOICE_GATE_HOLD_MS 3     /* how long the gate stays open after speech, 0 ... 10000 ms (default 200) */

typedef struct percepnet_state percepnet_state;

/* The library's version, e.g. "0.10.0". Never NULL. */
const char *percepnet_version(void);

/*
 * Makes a state for one stream of `channels` interleaved channels at `sample_rate` Hz (8000 to 384000; 1 to 64
 * channels). `model_path` is a PercepNet model file (.pnm), or NULL for the model built into the library.
 * On success stores the state in *state and returns PERCEPNET_OK; on failure stores NULL. Making a state also works
 * out where the network's state drifts in digital silence (about 0.2 s of CPU; once for the built-in model, which
 * all states share, and once per state made from a file): percepnet_process() stops computing after half a second
 * of input at or below -80 dBFS and uses it when sound returns, so that silence costs almost nothing.
 */
int percepnet_create(const char *model_path, int sample_rate, int channels, percepnet_state **state);

/* Frees a state (NULL is ignored). The pointer is invalid afterwards. */
void percepnet_destroy(percepnet_state *state);

/*
 * Denoises `frames` interleaved frames (frames * channels floats, nominally in [-1, 1]; any frames >= 0).
 * `output` may be the same buffer as `input` (in place) but must not otherwise overlap it. The output is as long as
 * the input and lags it by percepnet_latency() frames whatever the block sizes. NaN and infinite samples count as 0;
 * the output is always finite and within [-1, 1].
 */
int percepnet_process(percepnet_state *state, const float *input, float *output, int frames);

/* The same with one buffer per channel (as LADSPA and LV2 hosts have): inputs[c] and outputs[c] for each channel. */
int percepnet_process_planar(percepnet_state *state, const float *const *inputs, float *const *outputs, int frames);

/* Delay of the output behind the input, in frames at the state's sample rate (>= 0), or a negative error code. */
int percepnet_latency(const percepnet_state *state);

/* Sets or reads one of the PERCEPNET_PARAM_ values. A value out of range gives PERCEPNET_ERROR_ARGUMENT. */
int percepnet_set_param(percepnet_state *state, int param, float value);
int percepnet_get_param(const percepnet_state *state, int param, float *value);

/* Speech probability of the last 10 ms frame, 0 to 1 (the most active channel's), stored in *probability. */
int percepnet_speech_probability(const percepnet_state *state, float *probability);

/* Forgets the stream's history (as if newly created); keeps the parameters. */
int percepnet_reset(percepnet_state *state);

/* The last error on the calling thread, as text ("" when none). Valid until the thread's next failing call. */
const char *percepnet_last_error(void);

/* Garbage collections the library's runtime has run since it was loaded (for tests of real-time use; stays 0 while streaming). */
int percepnet_runtime_collections(void);

#ifdef __cplusplus
}
#endif

#endif /* PERCEPNET_H */

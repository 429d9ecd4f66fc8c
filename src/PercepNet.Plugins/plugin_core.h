/*
 * What the LADSPA and LV2 shells share: one libpercepnet stream per plugin instance, the four controls applied only
 * when they change, and the latency reported. Nothing here allocates, locks or does I/O once the instance exists.
 */
#ifndef PERCEPNET_PLUGIN_CORE_H
#define PERCEPNET_PLUGIN_CORE_H

#include <math.h>
#include <stddef.h>

#include "percepnet.h"

/* The controls, in port order after the audio ports. Attenuation limits of 100 dB and more mean "no limit". */
enum { CONTROL_ATTENUATION_LIMIT, CONTROL_POSTFILTER_STRENGTH, CONTROL_GATE_THRESHOLD, CONTROL_GATE_HOLD, CONTROL_COUNT };

#define NO_LIMIT_DB 100.0f

static const int control_params[CONTROL_COUNT] = {
    PERCEPNET_PARAM_ATTENUATION_LIMIT_DB, PERCEPNET_PARAM_POSTFILTER_STRENGTH,
    PERCEPNET_PARAM_VOICE_GATE_THRESHOLD, PERCEPNET_PARAM_VOICE_GATE_HOLD_MS,
};
static const float control_min[CONTROL_COUNT] = {0.0f, 0.0f, 0.0f, 0.0f};
static const float control_max[CONTROL_COUNT] = {NO_LIMIT_DB, 1.0f, 1.0f, 800.0f}; /* 200 ms is LADSPA's "low" default of 0..800 */
static const float control_default[CONTROL_COUNT] = {NO_LIMIT_DB, 1.0f, 0.0f, 200.0f};

typedef struct {
    percepnet_state *stream;
    int channels;
    float applied[CONTROL_COUNT]; /* NAN until first applied */
} plugin_core;

/* Makes the stream; returns 0 on success. A library built for AVX2 is not entered on a CPU without it. */
static int core_init(plugin_core *core, double rate, int channels)
{
    core->channels = channels;
    core->stream = NULL;
    for (int i = 0; i < CONTROL_COUNT; i++) core->applied[i] = NAN;
#ifdef PERCEPNET_NEEDS_AVX2
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) return -1;
#endif
    return percepnet_create(NULL, (int)lround(rate), channels, &core->stream) == PERCEPNET_OK ? 0 : -1;
}

/* Passes changed control values (clamped to their ranges; NULL ports keep the defaults) to the stream. */
static void core_controls(plugin_core *core, const float *const *controls)
{
    for (int i = 0; i < CONTROL_COUNT; i++) {
        float v = controls[i] ? *controls[i] : control_default[i];
        if (!(v >= control_min[i])) v = control_min[i]; /* also NaN */
        if (v > control_max[i]) v = control_max[i];
        if (v == core->applied[i]) continue;
        core->applied[i] = v;
        float value = (i == CONTROL_ATTENUATION_LIMIT && v >= NO_LIMIT_DB) ? INFINITY : v;
        percepnet_set_param(core->stream, control_params[i], value);
    }
}

/* Denoises one block (one buffer per channel; in place allowed) and stores the latency, when asked, in *latency. */
static void core_run(plugin_core *core, const float *const *inputs, float *const *outputs, unsigned long frames, float *latency)
{
    if (core->stream) {
        percepnet_process_planar(core->stream, inputs, outputs, (int)frames);
        if (latency) *latency = (float)percepnet_latency(core->stream);
    }
}

static void core_free(plugin_core *core)
{
    percepnet_destroy(core->stream);
    core->stream = NULL;
}

#endif

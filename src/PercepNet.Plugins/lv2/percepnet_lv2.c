/*
 * LV2 plugins urn:percepnet:lv2:mono and urn:percepnet:lv2:stereo over libpercepnet (ports in percepnet.ttl).
 */
#include <stdlib.h>
#include <string.h>

#include <lv2/core/lv2.h>

#include "../plugin_core.h"

#define URI_MONO "urn:percepnet:lv2:mono"
#define URI_STEREO "urn:percepnet:lv2:stereo"
#define MAX_CHANNELS 2

typedef struct {
    plugin_core core;
    const float *inputs[MAX_CHANNELS];
    float *outputs[MAX_CHANNELS];
    const float *controls[CONTROL_COUNT];
    float *latency;
} instance;

static LV2_Handle instantiate(const LV2_Descriptor *descriptor, double rate, const char *bundle, const LV2_Feature *const *features)
{
    (void)bundle;
    (void)features;
    instance *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    int channels = strcmp(descriptor->URI, URI_STEREO) == 0 ? 2 : 1;
    if (core_init(&self->core, rate, channels) != 0) {
        free(self);
        return NULL;
    }
    return self;
}

/* Ports: inputs, outputs, the controls, latency (as in percepnet.ttl). */
static void connect_port(LV2_Handle handle, uint32_t port, void *data)
{
    instance *self = handle;
    uint32_t channels = (uint32_t)self->core.channels;
    if (port < channels) self->inputs[port] = data;
    else if (port < 2 * channels) self->outputs[port - channels] = data;
    else if (port < 2 * channels + CONTROL_COUNT) self->controls[port - 2 * channels] = data;
    else self->latency = data;
}

static void activate(LV2_Handle handle)
{
    instance *self = handle;
    percepnet_reset(self->core.stream);
}

static void run(LV2_Handle handle, uint32_t frames)
{
    instance *self = handle;
    core_controls(&self->core, self->controls);
    core_run(&self->core, self->inputs, self->outputs, frames, self->latency);
}

static void cleanup(LV2_Handle handle)
{
    instance *self = handle;
    core_free(&self->core);
    free(self);
}

static const void *extension_data(const char *uri)
{
    (void)uri;
    return NULL;
}

static const LV2_Descriptor descriptors[MAX_CHANNELS] = {
    {URI_MONO, instantiate, connect_port, activate, run, NULL, cleanup, extension_data},
    {URI_STEREO, instantiate, connect_port, activate, run, NULL, cleanup, extension_data},
};

LV2_SYMBOL_EXPORT const LV2_Descriptor *lv2_descriptor(uint32_t index)
{
    return index < MAX_CHANNELS ? &descriptors[index] : NULL;
}

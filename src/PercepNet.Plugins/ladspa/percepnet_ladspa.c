/*
 * LADSPA plugins "percepnet_mono" (ID 5262849) and "percepnet_stereo" (ID 5262850) over libpercepnet.
 * Port names are permanent: hosts bind controls by name.
 */
#include <stdlib.h>
#include <string.h>

#include <ladspa.h>

#include "../plugin_core.h"

#define MAX_CHANNELS 2
#define PORTS_MAX (2 * MAX_CHANNELS + CONTROL_COUNT + 1)

typedef struct {
    plugin_core core;
    const LADSPA_Data *inputs[MAX_CHANNELS];
    LADSPA_Data *outputs[MAX_CHANNELS];
    const LADSPA_Data *controls[CONTROL_COUNT];
    LADSPA_Data *latency;
} instance;

static const char *const control_names[CONTROL_COUNT] = {
    "Attenuation limit (dB, 100 = none)", "Postfilter strength", "Voice gate threshold", "Voice gate hold (ms)",
};

static LADSPA_Handle instantiate(const LADSPA_Descriptor *descriptor, unsigned long rate)
{
    instance *self = calloc(1, sizeof *self);
    if (!self) return NULL;
    int channels = descriptor->UniqueID == 5262850 ? 2 : 1;
    if (core_init(&self->core, (double)rate, channels) != 0) {
        free(self);
        return NULL;
    }
    return self;
}

static void connect_port(LADSPA_Handle handle, unsigned long port, LADSPA_Data *data)
{
    instance *self = handle;
    int channels = self->core.channels;
    if (port < (unsigned long)channels) self->inputs[port] = data;
    else if (port < (unsigned long)(2 * channels)) self->outputs[port - channels] = data;
    else if (port < (unsigned long)(2 * channels + CONTROL_COUNT)) self->controls[port - 2 * channels] = data;
    else self->latency = data;
}

static void activate(LADSPA_Handle handle)
{
    instance *self = handle;
    percepnet_reset(self->core.stream);
}

static void run(LADSPA_Handle handle, unsigned long frames)
{
    instance *self = handle;
    core_controls(&self->core, self->controls);
    core_run(&self->core, self->inputs, self->outputs, frames, self->latency);
}

static void cleanup(LADSPA_Handle handle)
{
    instance *self = handle;
    core_free(&self->core);
    free(self);
}

static LADSPA_PortDescriptor port_kinds[MAX_CHANNELS][PORTS_MAX];
static const char *port_names[MAX_CHANNELS][PORTS_MAX];
static LADSPA_PortRangeHint port_hints[MAX_CHANNELS][PORTS_MAX];
static LADSPA_Descriptor descriptors[MAX_CHANNELS];

static LADSPA_PortRangeHintDescriptor default_hint(int control)
{
    float d = control_default[control];
    if (d == control_min[control]) return LADSPA_HINT_DEFAULT_MINIMUM;
    if (d == control_max[control]) return LADSPA_HINT_DEFAULT_MAXIMUM;
    if (d == 1.0f) return LADSPA_HINT_DEFAULT_1;
    if (d == 100.0f) return LADSPA_HINT_DEFAULT_100;
    if (d == 0.75f * control_min[control] + 0.25f * control_max[control]) return LADSPA_HINT_DEFAULT_LOW;
    return LADSPA_HINT_DEFAULT_MIDDLE;
}

static void describe(int index)
{
    static const char *const audio[2][4] = {{"Input", "Output", NULL, NULL}, {"Input L", "Input R", "Output L", "Output R"}};
    int channels = index + 1, port = 0;
    for (int c = 0; c < channels; c++, port++) {
        port_kinds[index][port] = LADSPA_PORT_INPUT | LADSPA_PORT_AUDIO;
        port_names[index][port] = audio[index][c];
    }
    for (int c = 0; c < channels; c++, port++) {
        port_kinds[index][port] = LADSPA_PORT_OUTPUT | LADSPA_PORT_AUDIO;
        port_names[index][port] = audio[index][channels + c];
    }
    for (int k = 0; k < CONTROL_COUNT; k++, port++) {
        port_kinds[index][port] = LADSPA_PORT_INPUT | LADSPA_PORT_CONTROL;
        port_names[index][port] = control_names[k];
        port_hints[index][port].HintDescriptor = LADSPA_HINT_BOUNDED_BELOW | LADSPA_HINT_BOUNDED_ABOVE | default_hint(k);
        port_hints[index][port].LowerBound = control_min[k];
        port_hints[index][port].UpperBound = control_max[k];
    }
    port_kinds[index][port] = LADSPA_PORT_OUTPUT | LADSPA_PORT_CONTROL;
    port_names[index][port] = "latency";
    port_hints[index][port].HintDescriptor = LADSPA_HINT_INTEGER;
    port++;

    LADSPA_Descriptor *d = &descriptors[index];
    d->UniqueID = 5262849 + index;
    d->Label = index == 0 ? "percepnet_mono" : "percepnet_stereo";
    d->Properties = 0;
    d->Name = index == 0 ? "PercepNet noise suppressor (mono)" : "PercepNet noise suppressor (stereo)";
    d->Maker = "PercepNet for .NET contributors";
    d->Copyright = "MIT";
    d->PortCount = (unsigned long)port;
    d->PortDescriptors = port_kinds[index];
    d->PortNames = port_names[index];
    d->PortRangeHints = port_hints[index];
    d->instantiate = instantiate;
    d->connect_port = connect_port;
    d->activate = activate;
    d->run = run;
    d->cleanup = cleanup;
}

__attribute__((constructor)) static void describe_all(void)
{
    describe(0);
    describe(1);
}

const LADSPA_Descriptor *ladspa_descriptor(unsigned long index)
{
    return index < MAX_CHANNELS ? &descriptors[index] : NULL;
}

/*
 * Tests libpercepnet through its C interface only (compiled with gcc by the .NET tests, NativeLibraryTests).
 *
 *   c_api_test blocks INPUT.f32 EXPECTED.f32 RATE CHANNELS   every block size gives EXPECTED within 1e-5
 *   c_api_test latency RATE                                  an impulse comes out percepnet_latency() frames later
 *   c_api_test hostile                                       NaN, Inf, denormals; NULL and invalid arguments
 *   c_api_test soak SECONDS RATE                             streams SECONDS of audio in 10 ms blocks; prints
 *                                                            resident memory and collections after 1 s and at the end
 *   c_api_test plugin-latency ladspa|lv2 PLUGIN.so RATE      hosts the mono plugin itself: its latency port equals
 *                                                            where an impulse comes out
 *
 * The .f32 files are raw interleaved 32-bit floats. Prints one line per check and exits 0 only if all pass.
 */
#include <dlfcn.h>
#include <ladspa.h>
#include <lv2/core/lv2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "percepnet.h"

static int failures = 0;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);    \
            printf(__VA_ARGS__);                           \
            printf("\n");                                  \
            failures++;                                    \
        }                                                  \
    } while (0)

static float *read_floats(const char *path, long *count)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        printf("FAIL cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long bytes = ftell(f);
    fseek(f, 0, SEEK_SET);
    float *data = malloc(bytes > 0 ? (size_t)bytes : 1);
    if (fread(data, 1, (size_t)bytes, f) != (size_t)bytes) {
        printf("FAIL cannot read %s\n", path);
        exit(2);
    }
    fclose(f);
    *count = bytes / (long)sizeof(float);
    return data;
}

static percepnet_state *make(int rate, int channels)
{
    percepnet_state *st = NULL;
    int rc = percepnet_create(NULL, rate, channels, &st);
    if (rc != PERCEPNET_OK || !st) {
        printf("FAIL percepnet_create(%d, %d) = %d: %s\n", rate, channels, rc, percepnet_last_error());
        exit(1);
    }
    return st;
}

static int blocks(const char *input_path, const char *expected_path, int rate, int channels)
{
    long n_in, n_expected;
    float *input = read_floats(input_path, &n_in);
    float *expected = read_floats(expected_path, &n_expected);
    CHECK(n_in == n_expected, "input has %ld samples, expected %ld", n_in, n_expected);
    long frames = n_in / channels;
    float *output = malloc((size_t)n_in * sizeof(float));
    const int sizes[] = {1, 64, 480, 512, 1024, 4096};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        percepnet_state *st = make(rate, channels);
        int in_place = (s % 2) == 1; /* every other size runs in place */
        if (in_place) memcpy(output, input, (size_t)n_in * sizeof(float));
        for (long start = 0; start < frames; start += sizes[s]) {
            int n = (int)(frames - start < sizes[s] ? frames - start : sizes[s]);
            const float *from = in_place ? output + start * channels : input + start * channels;
            int rc = percepnet_process(st, from, output + start * channels, n);
            if (rc != PERCEPNET_OK) {
                printf("FAIL process: %d %s\n", rc, percepnet_last_error());
                return 1;
            }
        }
        double worst = 0;
        for (long i = 0; i < n_in; i++) {
            double d = fabs((double)output[i] - expected[i]);
            if (d > worst) worst = d;
        }
        CHECK(worst <= 1e-5, "block size %d: largest difference %g", sizes[s], worst);
        printf("blocks rate=%d channels=%d size=%d%s largest-difference=%g\n", rate, channels, sizes[s],
               in_place ? " in-place" : "", worst);
        percepnet_destroy(st);
    }
    free(input);
    free(expected);
    free(output);
    return 0;
}

static int latency(int rate)
{
    percepnet_state *st = make(rate, 1);
    CHECK(percepnet_set_param(st, PERCEPNET_PARAM_ATTENUATION_LIMIT_DB, 0.0f) == PERCEPNET_OK, "set limit");
    int reported = percepnet_latency(st);
    CHECK(reported > 0, "latency %d", reported);
    long total = rate + reported + rate / 2;
    long at = rate / 2;
    float *signal = calloc((size_t)total, sizeof(float));
    signal[at] = 0.5f;
    for (long start = 0; start < total; start += 100) {
        int n = (int)(total - start < 100 ? total - start : 100);
        percepnet_process(st, signal + start, signal + start, n);
    }
    long peak = 0;
    for (long i = 0; i < total; i++)
        if (fabsf(signal[i]) > fabsf(signal[peak])) peak = i;
    CHECK(peak - at == reported, "rate %d: impulse came out %ld frames later, reported %d", rate, peak - at, reported);
    printf("latency rate=%d reported=%d measured=%ld\n", rate, reported, peak - at);
    free(signal);
    percepnet_destroy(st);
    return 0;
}

static int hostile(void)
{
    /* NaN, infinities, denormals and huge values in; finite output within [-1, 1] out. */
    percepnet_state *st = make(44100, 2);
    float block[2 * 441];
    for (int round = 0; round < 200; round++) {
        for (int i = 0; i < 2 * 441; i++) {
            switch ((i + round) % 6) {
            case 0: block[i] = NAN; break;
            case 1: block[i] = INFINITY; break;
            case 2: block[i] = -INFINITY; break;
            case 3: block[i] = 1e-42f; break;
            case 4: block[i] = 1e30f; break;
            default: block[i] = 0.3f * sinf((float)i); break;
            }
        }
        percepnet_process(st, block, block, 441);
        for (int i = 0; i < 2 * 441; i++)
            CHECK(isfinite(block[i]) && fabsf(block[i]) <= 1.0f, "round %d sample %d = %g", round, i, block[i]);
    }
    float p = -1;
    CHECK(percepnet_speech_probability(st, &p) == PERCEPNET_OK && p >= 0 && p <= 1, "speech probability %g", p);

    /* NULL and invalid arguments: error codes and a message, never a crash. */
    percepnet_state *none = (percepnet_state *)0x1;
    CHECK(percepnet_create(NULL, 48000, 1, NULL) == PERCEPNET_ERROR_NULL, "create without a place for the state");
    CHECK(percepnet_create(NULL, 7999, 1, &none) == PERCEPNET_ERROR_ARGUMENT && none == NULL, "rate 7999");
    CHECK(strlen(percepnet_last_error()) > 0, "an error has a message");
    CHECK(percepnet_create(NULL, 48000, 0, &none) == PERCEPNET_ERROR_ARGUMENT, "0 channels");
    CHECK(percepnet_create(NULL, 48000, 65, &none) == PERCEPNET_ERROR_ARGUMENT, "65 channels");
    CHECK(percepnet_create("/nonexistent/model.pnm", 48000, 1, &none) == PERCEPNET_ERROR_MODEL, "missing model");
    CHECK(strstr(percepnet_last_error(), "/nonexistent/model.pnm") != NULL, "the error names the model file: %s", percepnet_last_error());
    CHECK(percepnet_create("/etc/passwd", 48000, 1, &none) == PERCEPNET_ERROR_MODEL, "a file that is not a model");
    CHECK(percepnet_process(NULL, block, block, 10) == PERCEPNET_ERROR_NULL, "process NULL state");
    CHECK(percepnet_process(st, NULL, block, 10) == PERCEPNET_ERROR_NULL, "process NULL input");
    CHECK(percepnet_process(st, block, NULL, 10) == PERCEPNET_ERROR_NULL, "process NULL output");
    CHECK(percepnet_process(st, block, block, -1) == PERCEPNET_ERROR_ARGUMENT, "negative frames");
    CHECK(percepnet_process(st, NULL, NULL, 0) == PERCEPNET_OK, "zero frames need no buffers");
    const float *const planar_in[2] = {block, NULL};
    float *const planar_out[2] = {block, block + 441};
    CHECK(percepnet_process_planar(st, planar_in, planar_out, 441) == PERCEPNET_ERROR_NULL, "planar NULL channel");
    CHECK(percepnet_process_planar(st, NULL, planar_out, 441) == PERCEPNET_ERROR_NULL, "planar NULL inputs");
    CHECK(percepnet_latency(NULL) == PERCEPNET_ERROR_NULL, "latency NULL");
    CHECK(percepnet_set_param(st, 99, 1.0f) == PERCEPNET_ERROR_ARGUMENT, "unknown parameter");
    CHECK(percepnet_set_param(st, PERCEPNET_PARAM_POSTFILTER_STRENGTH, 1.5f) == PERCEPNET_ERROR_ARGUMENT, "strength 1.5");
    CHECK(percepnet_set_param(st, PERCEPNET_PARAM_ATTENUATION_LIMIT_DB, NAN) == PERCEPNET_ERROR_ARGUMENT, "limit NaN");
    CHECK(percepnet_set_param(st, PERCEPNET_PARAM_VOICE_GATE_THRESHOLD, -0.1f) == PERCEPNET_ERROR_ARGUMENT, "threshold -0.1");
    CHECK(percepnet_set_param(st, PERCEPNET_PARAM_VOICE_GATE_HOLD_MS, 10001.0f) == PERCEPNET_ERROR_ARGUMENT, "hold 10001");
    CHECK(percepnet_set_param(NULL, 0, 1.0f) == PERCEPNET_ERROR_NULL, "set NULL state");
    float v = 0;
    CHECK(percepnet_get_param(st, PERCEPNET_PARAM_ATTENUATION_LIMIT_DB, &v) == PERCEPNET_OK && isinf(v), "default limit is none");
    CHECK(percepnet_set_param(st, PERCEPNET_PARAM_ATTENUATION_LIMIT_DB, 12.0f) == PERCEPNET_OK, "limit 12");
    CHECK(percepnet_get_param(st, PERCEPNET_PARAM_ATTENUATION_LIMIT_DB, &v) == PERCEPNET_OK && v == 12.0f, "limit reads back %g", v);
    CHECK(percepnet_get_param(st, PERCEPNET_PARAM_VOICE_GATE_HOLD_MS, &v) == PERCEPNET_OK && v == 200.0f, "default hold %g", v);
    CHECK(percepnet_get_param(st, PERCEPNET_PARAM_POSTFILTER_STRENGTH, NULL) == PERCEPNET_ERROR_NULL, "get into NULL");
    CHECK(percepnet_get_param(st, -1, &v) == PERCEPNET_ERROR_ARGUMENT, "get unknown");
    CHECK(percepnet_speech_probability(st, NULL) == PERCEPNET_ERROR_NULL, "probability into NULL");
    CHECK(percepnet_reset(NULL) == PERCEPNET_ERROR_NULL, "reset NULL");
    CHECK(percepnet_reset(st) == PERCEPNET_OK, "reset");
    CHECK(strlen(percepnet_version()) >= 5, "version %s", percepnet_version());
    percepnet_destroy(st);
    percepnet_destroy(NULL);
    printf("hostile checks done (version %s)\n", percepnet_version());
    return 0;
}

static long resident_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmRSS:", 6) == 0) kb = atol(line + 6);
    if (f) fclose(f);
    return kb;
}

static int soak(double seconds, int rate)
{
    percepnet_state *st = make(rate, 1);
    int block = rate / 100;
    float *buffer = malloc((size_t)block * sizeof(float));
    long blocks = (long)(seconds * 100);
    unsigned int seed = 1;
    long rss_after_first_second = 0;
    int collections_after_first_second = 0;
    struct timespec t0, t1;
    for (long b = 0; b < blocks; b++) {
        for (int i = 0; i < block; i++) {
            seed = seed * 1103515245u + 12345u;
            buffer[i] = 0.05f * (float)sinf((float)(b * block + i) * 0.031f) + 0.01f * ((float)(seed >> 16) / 32768.0f - 1.0f);
        }
        if (b == 100) {
            rss_after_first_second = resident_kb();
            collections_after_first_second = percepnet_runtime_collections();
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        }
        percepnet_process(st, buffer, buffer, block);
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    long rss_end = resident_kb();
    int collections_end = percepnet_runtime_collections();
    double cpu = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("soak seconds=%.0f rate=%d rss-after-1s-kb=%ld rss-end-kb=%ld collections-after-1s=%d collections-end=%d "
           "cpu-us-per-10ms=%.1f\n", seconds, rate, rss_after_first_second, rss_end, collections_after_first_second,
           collections_end, 1e6 * cpu / (double)(blocks - 100));
    CHECK(rss_end - rss_after_first_second <= 2048, "resident memory grew by %ld kB", rss_end - rss_after_first_second);
    CHECK(collections_end == collections_after_first_second, "%d collections while streaming",
          collections_end - collections_after_first_second);
    free(buffer);
    percepnet_destroy(st);
    return 0;
}

/* Runs an impulse through the mono plugin (ports: in, out, 4 controls, latency) with the attenuation limit at 0 dB. */
static int plugin_latency(const char *kind, const char *path, int rate)
{
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        printf("FAIL dlopen %s: %s\n", path, dlerror());
        return 1;
    }
    int is_lv2 = strcmp(kind, "lv2") == 0;
    const LADSPA_Descriptor *ladspa = NULL;
    const LV2_Descriptor *lv2 = NULL;
    void *handle;
    if (is_lv2) {
        LV2_Descriptor_Function get = (LV2_Descriptor_Function)dlsym(library, "lv2_descriptor");
        lv2 = get ? get(0) : NULL;
        static const LV2_Feature *const no_features[] = {NULL};
        handle = lv2 ? lv2->instantiate(lv2, rate, "", no_features) : NULL;
    } else {
        LADSPA_Descriptor_Function get = (LADSPA_Descriptor_Function)dlsym(library, "ladspa_descriptor");
        ladspa = get ? get(0) : NULL;
        handle = ladspa ? ladspa->instantiate(ladspa, (unsigned long)rate) : NULL;
    }
    if (!handle) {
        printf("FAIL no instance of the %s plugin in %s\n", kind, path);
        return 1;
    }
    long total = rate * 2L, at = rate / 2;
    float *in = calloc((size_t)total, sizeof(float)), *out = calloc((size_t)total, sizeof(float));
    float controls[4] = {0.0f, 1.0f, 0.0f, 200.0f}, latency_port = -1;
    in[at] = 0.5f;
    for (unsigned long port = 0; port < 7; port++) {
        float *data = port == 0 ? NULL : port == 1 ? NULL : port < 6 ? &controls[port - 2] : &latency_port;
        if (is_lv2) lv2->connect_port(handle, (uint32_t)port, data);
        else ladspa->connect_port(handle, port, data);
    }
    if (is_lv2) lv2->activate(handle);
    else ladspa->activate(handle);
    for (long start = 0; start < total; start += 256) {
        int n = (int)(total - start < 256 ? total - start : 256);
        if (is_lv2) {
            lv2->connect_port(handle, 0, in + start);
            lv2->connect_port(handle, 1, out + start);
            lv2->run(handle, (uint32_t)n);
        } else {
            ladspa->connect_port(handle, 0, in + start);
            ladspa->connect_port(handle, 1, out + start);
            ladspa->run(handle, (unsigned long)n);
        }
    }
    long peak = 0;
    for (long i = 0; i < total; i++)
        if (fabsf(out[i]) > fabsf(out[peak])) peak = i;
    printf("plugin-latency kind=%s rate=%d port=%.0f measured=%ld\n", kind, rate, latency_port, peak - at);
    CHECK(latency_port == (float)(peak - at), "the latency port says %g, the impulse came out %ld frames later", latency_port, peak - at);
    if (is_lv2) lv2->cleanup(handle);
    else ladspa->cleanup(handle);
    free(in);
    free(out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 6 && strcmp(argv[1], "blocks") == 0)
        blocks(argv[2], argv[3], atoi(argv[4]), atoi(argv[5]));
    else if (argc >= 3 && strcmp(argv[1], "latency") == 0)
        latency(atoi(argv[2]));
    else if (argc >= 2 && strcmp(argv[1], "hostile") == 0)
        hostile();
    else if (argc >= 4 && strcmp(argv[1], "soak") == 0)
        soak(atof(argv[2]), atoi(argv[3]));
    else if (argc >= 5 && strcmp(argv[1], "plugin-latency") == 0)
        plugin_latency(argv[2], argv[3], atoi(argv[4]));
    else {
        fprintf(stderr, "usage: c_api_test blocks IN EXPECTED RATE CHANNELS | latency RATE | hostile | soak SECONDS RATE | "
                        "plugin-latency ladspa|lv2 PLUGIN RATE\n");
        return 2;
    }
    printf(failures ? "FAILED (%d)\n" : "PASSED\n", failures);
    return failures ? 1 : 0;
}

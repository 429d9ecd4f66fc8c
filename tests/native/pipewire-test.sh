#!/usr/bin/env bash
# Runs deploy/pipewire/percepnet-mic.conf in a private, headless PipeWire: a null sink stands in for the microphone
# (the filter's capture is pointed at its monitor, since there is no sound card), WirePlumber links the nodes,
# pw-cat plays INPUT.wav into the "microphone" and records the virtual source "Noise-cancelled microphone
# (PercepNet)" into OUTPUT.wav. Exit 77 when PipeWire cannot run here (the caller skips).
#   tests/native/pipewire-test.sh NATIVE_DIR INPUT.wav OUTPUT.wav
set -euo pipefail
native="$1" input="$2" output="$3"
root="$(cd "$(dirname "$0")/../.." && pwd)"
for tool in pipewire wireplumber pw-cat pw-link dbus-daemon; do
  command -v "$tool" > /dev/null || { echo "$tool is not installed" >&2; exit 77; }
done

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  sleep 0.3
  for pid in "${pids[@]}"; do kill -9 "$pid" 2> /dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
export XDG_RUNTIME_DIR="$work/run" PIPEWIRE_RUNTIME_DIR="$work/run"
mkdir -p "$work/run" "$work/config/pipewire.conf.d"

cat > "$work/config/pipewire.conf" << 'CONF'
context.properties = {
    core.daemon = true
    core.name   = pipewire-0
    default.clock.rate = 48000
}
context.spa-libs = {
    audio.convert.* = audioconvert/libspa-audioconvert
    support.*       = support/libspa-support
}
context.modules = [
    { name = libpipewire-module-protocol-native }
    { name = libpipewire-module-metadata }
    { name = libpipewire-module-spa-node-factory }
    { name = libpipewire-module-client-node }
    { name = libpipewire-module-access args = { } }
    { name = libpipewire-module-adapter }
    { name = libpipewire-module-link-factory }
]
context.objects = [
    { factory = metadata args = { metadata.name = default } }
    { factory = adapter
        args = {
            factory.name    = support.null-audio-sink
            node.name       = "test-microphone"
            media.class     = "Audio/Sink"
            audio.rate      = 48000
            audio.channels  = 1
            audio.position  = [ MONO ]
            node.driver     = true
            priority.driver = 30000
        }
    }
]
CONF
# The installed recipe, with the plugin's folder filled in and the capture aimed at the stand-in microphone.
sed -e "s|@LADSPA_DIR@|$native/ladspa|" \
    -e 's|^\( *\)node.name    = "capture.percepnet_source"|&\n\1target.object = "test-microphone"\n\1stream.capture.sink = true|' \
    "$root/deploy/pipewire/percepnet-mic.conf" > "$work/config/pipewire.conf.d/percepnet-mic.conf"

PIPEWIRE_CONFIG_DIR="$work/config" pipewire -c pipewire.conf > "$work/pipewire.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$work/run/pipewire-0" ] && break; sleep 0.1; done
[ -S "$work/run/pipewire-0" ] || { cat "$work/pipewire.log" >&2; echo "the PipeWire daemon did not start" >&2; exit 77; }
# WirePlumber needs a D-Bus session bus: a private one.
bus="$(dbus-daemon --session --fork --print-address=1 --print-pid=1)"
export DBUS_SESSION_BUS_ADDRESS="$(sed -n 1p <<< "$bus")"
pids+=("$(sed -n 2p <<< "$bus")")
wireplumber > "$work/wireplumber.log" 2>&1 &
pids+=($!)

# Wait until WirePlumber has linked the stand-in microphone to the filter.
for _ in $(seq 100); do
  pw-link -l 2> /dev/null | grep -q "capture.percepnet_source:input_MONO" && break
  sleep 0.1
done
if ! pw-link -l 2> /dev/null | grep -q "capture.percepnet_source:input_MONO"; then
  tail -n 20 "$work/pipewire.log" "$work/wireplumber.log" >&2
  echo "the filter chain was not linked (no session manager?)" >&2
  exit 77
fi
pw-link -o | grep -q '^percepnet_source:capture_MONO$' || { echo "no virtual source percepnet_source" >&2; exit 1; }

pw-cat --record --target percepnet_source --rate 48000 --channels 1 --format f32 "$output" > "$work/record.log" 2>&1 &
recorder=$!
pids+=($recorder)
for _ in $(seq 50); do pw-link -l 2> /dev/null | grep -q "pw-cat:input_MONO" && break; sleep 0.1; done
pw-cat --playback --target test-microphone "$input"
sleep 1
kill -INT "$recorder"
wait "$recorder" || true
[ -s "$output" ] || { cat "$work/record.log" >&2; echo "nothing was recorded" >&2; exit 1; }
echo "recorded $output through the virtual source"

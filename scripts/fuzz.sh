#!/usr/bin/env bash
# Fuzzes one reader with AFL++ and SharpFuzz until it has run EXECUTIONS inputs (default 1,000,000), then prints the
# executions, crashes and hangs. Harnesses: wav, mp3, ogg, flac, opus, stdin, model, pcm, batchlog, cmdline
# (tests/PercepNet.Fuzz).
#   scripts/fuzz.sh HARNESS [EXECUTIONS] [WORK_DIR] [INSTANCES]
# INSTANCES afl-fuzz processes share the work (one per core; default 1), each running EXECUTIONS/INSTANCES inputs.
# Needs: afl++ (Debian package afl++), lame, oggenc, flac and opusenc for the compressed seeds, and the SharpFuzz.CommandLine tool
# (installed here when missing). Findings stay in WORK_DIR/findings/HARNESS; copy each crashing input into
# tests/fuzz-corpus/HARNESS/ so that the tests replay it.
set -euo pipefail
harness="${1:?harness: wav, mp3, ogg, flac, opus, stdin, model, pcm, batchlog or cmdline}"
executions="${2:-1000000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${3:-$root/out/fuzz}"
instances="${4:-1}"
mkdir -p "$work"
work="$(cd "$work" && pwd)"

export PATH="$PATH:$HOME/.dotnet/tools"
command -v sharpfuzz > /dev/null || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 > /dev/null
command -v afl-fuzz > /dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 1; }

bin="$work/bin"
# Published and instrumented afresh each run (REUSE_BIN=1 keeps the last build, for several harnesses in a row).
if [ -z "${REUSE_BIN:-}" ] || [ ! -f "$bin/.instrumented" ]; then
  rm -rf "$bin"
  dotnet publish "$root/tests/PercepNet.Fuzz" -c Release -o "$bin" -nologo -v q
  for dll in PercepNet.dll PercepNet.Audio.dll PercepNet.Cli.dll System.CommandLine.dll NLayer.dll NVorbis.dll NAudio.Core.dll Concentus.dll; do
    sharpfuzz "$bin/$dll" > /dev/null
  done
  touch "$bin/.instrumented"
fi

seeds="$work/seeds"
if [ ! -d "$seeds/stdin" ]; then
  # The instrumented build runs only under afl-fuzz; the seeds come from the plain one.
  dotnet run --project "$root/tests/PercepNet.Fuzz" -c Release -- seeds "$root/examples/noisy.wav" "$seeds"
  mkdir -p "$seeds/mp3" "$seeds/ogg"
  lame --quiet -b 32 "$seeds/wav/pcm16.wav" "$seeds/mp3/cbr.mp3"
  lame --quiet -t -b 32 "$seeds/wav/pcm16.wav" "$seeds/mp3/untagged.mp3"
  oggenc --quiet -q 0 -o "$seeds/ogg/q0.ogg" "$seeds/wav/pcm16.wav"
  flac --silent -8 --no-padding -o "$seeds/flac/flac8.flac" "$seeds/wav/stereo.wav"
  mkdir -p "$seeds/opus" "$seeds/stdin"
  opusenc --quiet --bitrate 16 "$seeds/wav/pcm16.wav" "$seeds/opus/mono.opus"
  opusenc --quiet --bitrate 24 "$seeds/wav/stereo.wav" "$seeds/opus/stereo.opus"
  # Standard input sees every format: one seed of each.
  cp "$seeds/wav/pcm16.wav" "$seeds/flac/mono16.flac" "$seeds/opus/mono.opus" "$seeds/mp3/cbr.mp3" "$seeds/ogg/q0.ogg" "$seeds/stdin/"
fi

findings="$work/findings/$harness"
rm -rf "$findings"
mkdir -p "$(dirname "$findings")"
# A .NET process reserves far more address space than it uses, so afl-fuzz's memory limit (-m) cannot apply; the
# GC's hard limit keeps a harness that allocates without end (as NVorbis once did on crafted codebooks) from
# exhausting the machine: it gets an OutOfMemoryException at 4 GB instead.
export DOTNET_GCHeapHardLimit=0x100000000
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
# afl-fuzz exits non-zero when it stops at the execution limit; its statistics files say whether it ran.
share=$(( (executions + instances - 1) / instances ))
for i in $(seq 1 "$instances"); do
  role=(-S "s$i")
  afl-fuzz -i "$seeds/$harness" -o "$findings" "${role[@]}" -t 5000 -m none -E "$share" -- dotnet "$bin/PercepNet.Fuzz.dll" "$harness" \
    > "$work/$harness.$i.log" 2>&1 &
  sleep 2
done
wait || true
shopt -s nullglob
stats=("$findings"/*/fuzzer_stats)
[ ${#stats[@]} -gt 0 ] || { tail -n 30 "$work/$harness.1.log" >&2; exit 1; }
sum() { awk -F' *: *' -v k="$1" '$1 == k { s += $2 } END { printf "%d", s }' "${stats[@]}"; }
longest() { awk -F' *: *' -v k="$1" '$1 == k && $2 > m { m = $2 } END { printf "%d", m }' "${stats[@]}"; }
crashes=("$findings"/*/crashes/id*) hangs=("$findings"/*/hangs/id*)
echo "$harness: $(sum execs_done) executions in $(longest run_time) s on ${#stats[@]} core(s), $(sum corpus_count) paths, ${#crashes[@]} crashes, ${#hangs[@]} hangs"

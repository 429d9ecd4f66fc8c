#!/usr/bin/env bash
# Builds the C library, the LADSPA plugins and the LV2 bundle into OUT_DIR:
#   OUT_DIR/include/percepnet.h                 the C interface
#   OUT_DIR/lib/libpercepnet.so                 the library (NativeAOT: needs no .NET on the machine)
#   OUT_DIR/ladspa/percepnet_ladspa.so          LADSPA: percepnet_mono (5262849), percepnet_stereo (5262850)
#   OUT_DIR/lv2/percepnet.lv2/                  LV2: urn:percepnet:lv2:mono, urn:percepnet:lv2:stereo
# Each plugin folder carries its own copy of libpercepnet.so (found through the plugin's $ORIGIN run path).
#   scripts/build-native.sh OUT_DIR [ARCH]
# ARCH is x86_64 (x64) or aarch64 (arm64); by default this machine's. Needs the .NET SDK, clang and zlib1g-dev
# (NativeAOT's linker step), gcc, ladspa-sdk and lv2-dev (Debian packages); for aarch64 on an x86-64 machine also
# Debian's cross tool chain: gcc-aarch64-linux-gnu, binutils-aarch64-linux-gnu and libc6-dev-arm64-cross.
# On x86-64 the library is compiled for x86-64-v3 (AVX2 and FMA: Intel Haswell, AMD Excavator and later), which the
# int8 network kernels need to run at full speed; PERCEPNET_NATIVE_ISA=x86-64-v2 builds for older CPUs (slower).
# On aarch64 it runs on every ARMv8-A CPU (Raspberry Pi 4 and later, Apple Silicon under Linux, ARM servers).
set -euo pipefail
out="${1:?usage: scripts/build-native.sh OUT_DIR [ARCH]}"
arch="${2:-$(uname -m)}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

cc=(gcc)
case "$arch" in
  x86_64|x64) arch=x86_64; rid=linux-x64; isa="${PERCEPNET_NATIVE_ISA:-x86-64-v3}" ;;
  aarch64|arm64) arch=aarch64; rid=linux-arm64; isa="${PERCEPNET_NATIVE_ISA:-}" ;;
  *) echo "build-native.sh: unsupported architecture $arch (x86_64 or aarch64)" >&2; exit 1 ;;
esac
if [ "$arch" != "$(uname -m)" ]; then
  # Cross-compiling: the target's gcc, and the plugin SDK headers (architecture-independent) after its own.
  cc=("$arch-linux-gnu-gcc" -idirafter /usr/include)
  command -v "${cc[0]}" > /dev/null || { echo "build-native.sh: ${cc[0]} not found (Debian: gcc-$arch-linux-gnu)" >&2; exit 1; }
fi

publish="$out/.publish"
rm -rf "$publish"
dotnet publish "$root/src/PercepNet.Native" -c Release -r "$rid" -o "$publish" -nologo -v q \
  ${isa:+-p:IlcInstructionSet=$isa}
mkdir -p "$out/include" "$out/lib" "$out/ladspa" "$out/lv2/percepnet.lv2"
cp "$root/src/PercepNet.Native/include/percepnet.h" "$out/include/"
cp "$publish/libpercepnet.so" "$out/lib/"
rm -rf "$publish"

plugins="$root/src/PercepNet.Plugins"
cflags=(-O2 -fPIC -shared -std=c11 -Wall -Wextra -Werror -I "$out/include")
guard=()
[ "$isa" = "x86-64-v3" ] && guard=(-DPERCEPNET_NEEDS_AVX2)
"${cc[@]}" "${cflags[@]}" "${guard[@]}" "$plugins/ladspa/percepnet_ladspa.c" -o "$out/ladspa/percepnet_ladspa.so" \
  -L "$out/lib" -lpercepnet -Wl,-rpath,'$ORIGIN' -lm
cp "$out/lib/libpercepnet.so" "$out/ladspa/"
"${cc[@]}" "${cflags[@]}" "${guard[@]}" "$plugins/lv2/percepnet_lv2.c" -o "$out/lv2/percepnet.lv2/percepnet_lv2.so" \
  -L "$out/lib" -lpercepnet -Wl,-rpath,'$ORIGIN' -lm
cp "$plugins/lv2/percepnet.lv2/"*.ttl "$out/lib/libpercepnet.so" "$out/lv2/percepnet.lv2/"
echo "built for $arch into $out: lib/libpercepnet.so ($(stat -c %s "$out/lib/libpercepnet.so") bytes), ladspa/, lv2/percepnet.lv2/"

#!/usr/bin/env bash
# Publishes the platform check (tests/PercepNet.PlatformCheck: the instruction sets, every matrix kernel against the
# portable int8 results, the whole denoiser's output) as a self-contained program for another architecture, by
# default linux-arm64, into OUT_DIR/PercepNet.PlatformCheck. On x86-64 the arm64 build runs under Debian's user-mode
# emulator (packages qemu-user-static, libc6-arm64-cross, libstdc++6-arm64-cross, libgcc-s1-arm64-cross):
#   qemu-aarch64-static -L /usr/aarch64-linux-gnu OUT_DIR/PercepNet.PlatformCheck kernels
# DOTNET_EnableArm64Dp=0 there turns the dot-product instruction off, so that the widening-multiply kernel runs.
# The tests in tests/PercepNet.Tests/Platforms/ run it (CI builds it once and passes the folder as $PERCEPNET_ARM64_CHECK).
#   scripts/build-platform-check.sh OUT_DIR [RID]
set -euo pipefail
out="${1:?usage: scripts/build-platform-check.sh OUT_DIR [RID]}"
rid="${2:-linux-arm64}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
dotnet publish "$root/tests/PercepNet.PlatformCheck" -c Release -r "$rid" --self-contained -o "$out" -nologo -v q
echo "built $out/PercepNet.PlatformCheck for $rid"

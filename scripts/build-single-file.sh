#!/usr/bin/env bash
# Builds the percepnet tool as one self-contained executable, OUT_DIR/percepnet, that runs on a Linux machine
# without .NET: NativeAOT-compiled (no JIT: it starts in milliseconds), culture-invariant (no ICU), about 8 MB; the
# same program the linux-x64 tool package installs. On x86-64 it needs AVX2 (x86-64-v3, as the C library).
# Needs clang and zlib1g-dev (NativeAOT's linker step); for aarch64 on an x86-64 machine also Debian's cross tool
# chain (gcc-aarch64-linux-gnu, binutils-aarch64-linux-gnu, libc6-dev-arm64-cross).
#   scripts/build-single-file.sh OUT_DIR [ARCH]      ARCH: x86_64 (x64) or aarch64 (arm64); by default this machine's
# deploy/Dockerfile wraps it in an image; deploy/kubernetes and deploy/slurm run it as sharded batches.
set -euo pipefail
out="${1:?usage: scripts/build-single-file.sh OUT_DIR [ARCH]}"
arch="${2:-$(uname -m)}"
root="$(cd "$(dirname "$0")/.." && pwd)"
case "$arch" in
  x86_64|x64) rid=linux-x64 ;;
  aarch64|arm64) rid=linux-arm64 ;;
  *) echo "build-single-file.sh: unsupported architecture $arch (x86_64 or aarch64)" >&2; exit 1 ;;
esac
mkdir -p "$out"
out="$(cd "$out" && pwd)"
publish="$out/.publish"
rm -rf "$publish"
dotnet publish "$root/src/PercepNet.Cli" -c Release -r "$rid" -nologo -v q -o "$publish"
mv "$publish/PercepNet.Cli" "$out/percepnet"
rm -rf "$publish"
echo "built $out/percepnet ($(stat -c %s "$out/percepnet") bytes)"

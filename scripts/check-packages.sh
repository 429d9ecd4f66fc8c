#!/usr/bin/env bash
# Packs PercepNet, PercepNet.Audio and PercepNet.Tool into a folder and uses them as a user would: the example apps
# restored from that folder (and NuGet for third-party packages) build and denoise examples/noisy.wav, and the tool
# installs with 'dotnet tool install' (on x86-64 Linux the NativeAOT package) and denoises it too, to the same bytes as
# the in-tree build, as does the framework-dependent package other platforms get.
#   scripts/check-packages.sh [PACKAGE_DIR]     (default: a temporary folder; CI passes the one the tests read)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
packages="${1:-$work/packages}"
mkdir -p "$packages"
packages="$(cd "$packages" && pwd)"

dotnet pack "$root/PercepNet.slnx" -c Release -o "$packages" -nologo -v q
# The tool's implementation packages beside that pointer package: the framework-dependent build every platform can
# run ("any"), and the NativeAOT executables that 'dotnet tool install' picks on x86-64 and ARM64 Linux (the arm64
# one cross-compiled with Debian's gcc-aarch64-linux-gnu where it is installed; the tests run it under qemu-user).
dotnet pack "$root/src/PercepNet.Cli" -c Release -r any -o "$packages" -nologo -v q
if [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
  dotnet pack "$root/src/PercepNet.Cli" -c Release -r linux-x64 -o "$packages" -nologo -v q
  if command -v aarch64-linux-gnu-gcc > /dev/null; then
    dotnet pack "$root/src/PercepNet.Cli" -c Release -r linux-arm64 -o "$packages" -nologo -v q
  fi
fi
ls -l "$packages"

# A package cache of its own, so the packages just made are used and not an older build of the same version.
export NUGET_PACKAGES="$work/nuget"
for app in Quickstart NAudioPipeline; do
  dotnet build "$root/examples/$app" -c Release -nologo -v q -p:RestoreAdditionalProjectSources="$packages" \
    -o "$work/$app"
  dotnet "$work/$app/$app.dll" "$root/examples/noisy.wav" "$work/$app.wav"
  test -s "$work/$app.wav"
done

# The recorded output of 'percepnet denoise examples/noisy.wav' with the embedded model: one value, kept in the tests.
expected="$(sed -n 's/.*Pcm16Sha256 = "\([0-9a-f]\{64\}\)".*/\1/p' "$root/tests/PercepNet.Tests/Cli/ReferenceOutputTests.cs")"
[ ${#expected} -eq 64 ] || { echo "no recorded output hash in tests/PercepNet.Tests/Cli/ReferenceOutputTests.cs" >&2; exit 1; }
same_bytes() { # FILE WHAT
  local actual; actual="$(sha256sum "$1" | cut -d' ' -f1)"
  [ "$actual" = "$expected" ] || { echo "$2's output differs from the recorded one ($actual)" >&2; exit 1; }
}

dotnet tool install --tool-path "$work/tool" --add-source "$packages" PercepNet.Tool
readlink "$work/tool/percepnet"
"$work/tool/percepnet" denoise "$root/examples/noisy.wav" -o "$work/tool.wav"
"$work/tool/percepnet" model info | head -n 1
same_bytes "$work/tool.wav" "the installed tool"

# The fallback package, as a platform without its own package would get it.
mkdir -p "$work/any"
python3 -m zipfile -e "$(ls "$packages"/PercepNet.Tool.any.*.nupkg)" "$work/any"
dotnet "$work/any/tools/net10.0/any/PercepNet.Cli.dll" denoise "$root/examples/noisy.wav" -o "$work/any.wav"
same_bytes "$work/any.wav" "the framework-dependent tool package"
echo "packages: examples, installed tool and its fallback OK"

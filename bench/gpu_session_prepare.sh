#!/usr/bin/env bash
# Prepares, here, the folders the GPU session (bench/gpu_session.sh) carries to a device machine that has no
# network: .deno/deno.xz (the running Deno, xz-compressed), .gl/*.deb (the Vulkan and GL loaders, amd64, by
# apt-get download) and .gpu-session/ (the micro study's corpus and units, the probe and plan.json, by
# bench/gpu_session_prepare.ts). All three are git-ignored (.gitignore). From the repository root:
#   bash bench/gpu_session_prepare.sh              # for the device
#   bash bench/gpu_session_prepare.sh --rehearse   # .gpu-session-rehearse/ at tiny sizes, for llvmpipe here
# Deno and the loaders are made once and kept while they are current (the same Deno version; debs present).
set -euo pipefail
cd "$(dirname "$0")/.."
DENO=${DENO:-$(command -v deno)}
version=$("$DENO" --version | head -1)
mkdir -p .deno
if [ ! -f .deno/deno.xz ] || [ "$(cat .deno/version 2>/dev/null)" != "$version" ]; then
  echo "gpu_session_prepare: compressing $version into .deno/deno.xz (a minute or two)"
  real=$("$DENO" eval --no-config 'console.log(Deno.execPath())')
  xz -T2 -6 -c "$real" >.deno/deno.xz.tmp
  mv .deno/deno.xz.tmp .deno/deno.xz
  echo "$version" >.deno/version
fi
if ! compgen -G ".gl/*.deb" >/dev/null; then
  echo "gpu_session_prepare: downloading the loader packages into .gl/"
  mkdir -p .gl /tmp/amd64/partial
  o=(-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64)
  apt-get "${o[@]}" update -qq
  (cd .gl && apt-get "${o[@]}" download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)
fi
if [ "${1:-}" = --rehearse ]; then
  "$DENO" run -A bench/gpu_session_prepare.ts --out .gpu-session-rehearse --rehearse
else
  "$DENO" run -A bench/gpu_session_prepare.ts --out .gpu-session
fi
du -sh .deno .gl .gpu-session* | sed 's/^/gpu_session_prepare: carry /'

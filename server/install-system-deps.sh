#!/usr/bin/env bash
# Installs the Debian packages the tests need (Chromium for Playwright, nginx for the deploy smoke tests,
# PostgreSQL for the store's contract tests and the multi-host smoke test), ffmpeg
# (the app decodes videos with it) and
# libjpeg's headers, which npm ci needs to build the engine's C addon (native/image-kernels).
# Idempotent: does nothing when all are present. Needs root (or sudo) the first time.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
# ffmpeg/ffprobe decode uploaded videos (lib/video/ffmpeg.ts) and make the test clips.
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
# The tests run their own PostgreSQL (initdb into a temp folder); Debian keeps initdb under /usr/lib/postgresql/<v>/bin.
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ -f /usr/include/jpeglib.h ] || [ -f "/usr/include/$(uname -m)-linux-gnu/jpeglib.h" ] || missing+=(libjpeg-dev)
# With package names as arguments (npm run app passes ffmpeg), only those of them that are missing.
if [ $# -gt 0 ]; then
  wanted=()
  for package in "${missing[@]}"; do [[ " $* " == *" $package "* ]] && wanted+=("$package"); done
  missing=("${wanted[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "system: installing ${missing[*]} from Debian/Ubuntu packages"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# Debian's nginx package starts a system nginx on port 80; our tests run their own, so leave the system one alone.

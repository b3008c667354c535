#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan + UBSan) against Debian's OpenSSL and runs each one.
#   native/fuzz/run.sh [seconds-per-target] [target...]      (npm run fuzz -- 600)
# Needs: clang, libclang-rt-14-dev (libFuzzer), libssl-dev, libusrsctp-dev. Findings land in .fuzz/<target>/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(stun_message rtp_packet rtcp_compound transport_demux dcep_open peerjs_decode sctp_packet)
out="$root/.fuzz"
mkdir -p "$out"

mapfile -t sources < <(find "$root/native/core" -name '*.cpp' | sort)
# usrsctp (native/core/sctp), linked statically as in the addon.
usrsctp="/usr/lib/$(gcc -print-multiarch)/libusrsctp.a"
flags=(-std=c++20 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined)

for target in "${targets[@]}"; do
  echo "== building $target"
  clang++ "${flags[@]}" "$here/$target.cc" "${sources[@]}" "$usrsctp" -lssl -lcrypto -o "$out/$target.bin"
done

status=0
for target in "${targets[@]}"; do
  corpus="$out/$target/corpus"
  mkdir -p "$corpus" "$out/$target/findings"
  [ -d "$here/corpus/$target" ] && cp -n "$here/corpus/$target/"* "$corpus/" 2>/dev/null || true
  echo "== running $target for ${seconds}s"
  if ! "$out/$target.bin" "$corpus" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$out/$target/findings/" -max_len=4096 >"$out/$target/log.txt" 2>&1; then
    echo "!! $target found a problem: see $out/$target/log.txt and $out/$target/findings/"
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs" "$out/$target/log.txt" | sed "s/^/   /"
done
exit $status

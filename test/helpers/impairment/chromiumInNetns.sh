#!/bin/sh
# Playwright starts this as "the browser": it enters the network namespace WG_PEER_NETNS names
# (/proc/PID/ns/net) and becomes Chromium there. exec keeps the pid and the descriptors of
# --remote-debugging-pipe; --pdeathsig takes Chromium down with the test process.
set -e
: "${WG_PEER_NETNS:?WG_PEER_NETNS must name a network namespace (/proc/PID/ns/net)}"
exec setpriv --pdeathsig KILL nsenter --net="$WG_PEER_NETNS" -- "${WG_PEER_CHROMIUM:-/usr/bin/chromium}" "$@"

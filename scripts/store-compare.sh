#!/usr/bin/env bash
# C-STORE throughput, ours vs DCMTK, in one run on loopback: every client/server pair, for 4 KiB, 512 KiB and
# 50 MiB instances, with 16 KiB and 128 KiB PDUs, beside the raw loopback TCP ceiling measured in the same run.
# Each server gets one untimed warm-up pass first, and every timed run starts from an empty archive.
# Wall times include process start (JVM start for ours).
# Usage: scripts/store-compare.sh [quick]   (quick: fewer instances). Needs DCMTK (storescu, storescp).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TCP_NODELAY=1
work="$(mktemp -d /tmp/dimse4j-store-compare.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
"$root/dimse4j" --version >/dev/null

if [ "${1:-}" = quick ]; then sets="4K:500 512K:50 50M:2"; else sets="4K:2000 512K:200 50M:6"; fi
echo "C-STORE, one association, $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -n 1)"
"$root/dimse4j" tcp-ceiling --megabytes 2048 --round-trips 20000 | sed 's/^/  /'

wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
# every timed run stores into emptied archives: both SCPs then create every file anew (DCMTK rewrites an existing
# file in place, which is cheaper than creating one; our SCP always writes a new file and renames it into place)
clean() { find "$work/d" "$work/o" -maxdepth 1 -type f -delete; sync; }
run() { # label count bytes command...
  local label="$1" count="$2" bytes="$3"; shift 3
  clean
  local t0 t1 rc=0; t0=$(date +%s%N); "$@" >"$work/last.log" 2>&1 || rc=$?; t1=$(date +%s%N)
  awk -v l="$label" -v n="$count" -v b="$bytes" -v ns="$((t1 - t0))" -v rc="$rc" 'BEGIN {
    s = ns / 1e9; printf "  %-36s %7.2f s %9.0f inst/s %8.1f MB/s%s\n", l, s, n / s, b / 1e6 / s, (rc == 0 ? "" : "  (FAILED rc=" rc ")") }'
}

for set in $sets; do
  size="${set%%:*}"; count="${set##*:}"
  src="$work/src-$size"; "$root/dimse4j" mkinstances -n "$count" --size "$size" -od "$src" >/dev/null
  bytes=$(du -sb "$src" | cut -f1)
  for pdu in 16384 131072; do
    echo "$count x $size instances ($((bytes / 1000000)) MB), max PDU $pdu:"
    dport=$((20000 + RANDOM % 20000)); oport=$((dport + 1))
    mkdir -p "$work/d" "$work/o"
    storescp -pdu "$pdu" -od "$work/d" "$dport" >"$work/dcmtk-scp.log" 2>&1 & pids+=($!)
    "$root/dimse4j" storescp -q -pdu "$pdu" -od "$work/o" "$oport" >/dev/null 2>&1 & pids+=($!)
    wait_port "$dport"; wait_port "$oport"
    # both servers are long-running in real life: one untimed pass each warms them (our JIT, their page cache)
    storescu -pdu "$pdu" +sd +r 127.0.0.1 "$dport" "$src" >/dev/null 2>&1 || true
    storescu -pdu "$pdu" +sd +r 127.0.0.1 "$oport" "$src" >/dev/null 2>&1 || true
    run "DCMTK storescu   -> DCMTK storescp" "$count" "$bytes" storescu -pdu "$pdu" +sd +r 127.0.0.1 "$dport" "$src"
    run "dimse4j storescu -> DCMTK storescp" "$count" "$bytes" "$root/dimse4j" storescu -q -pdu "$pdu" 127.0.0.1 "$dport" "$src"
    run "DCMTK storescu   -> dimse4j storescp" "$count" "$bytes" storescu -pdu "$pdu" +sd +r 127.0.0.1 "$oport" "$src"
    run "dimse4j storescu -> dimse4j storescp" "$count" "$bytes" "$root/dimse4j" storescu -q -pdu "$pdu" 127.0.0.1 "$oport" "$src"
    sed 's/^/    own count: /' "$work/last.log" | grep -i "instances" || true
    # our SCU in a warm JVM: the same set sent 5 times on one association, its own count
    clean
    "$root/dimse4j" storescu -q --repeat 5 -pdu "$pdu" 127.0.0.1 "$oport" "$src" 2>/dev/null | \
      sed 's/^/    warm dimse4j -> dimse4j, --repeat 5, own count: /'
    kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; pids=()
    rm -rf "$work/d" "$work/o"
  done
done

#!/usr/bin/env bash
# Reproduces PERFORMANCE.md end to end, on loopback, in one run: the machine, the raw TCP ceiling, the embedded
# loopback suite, then dimse4j against DCMTK 3.6 (echoscu/storescu/storescp, all with TCP_NODELAY=1) for each target
# of the bench issue, quoted as ratios:
#   1. C-ECHO, one association:        DCMTK echoscu -> storescp  vs  dimse4j bench echo -> dimse4j echoscp
#   2. C-STORE 512 KiB, one association: DCMTK storescu -> storescp vs dimse4j bench store -> dimse4j storescp
#   3. C-STORE 4 KiB, async window:     DCMTK storescu -> storescp  vs  dimse4j bench store --window 16 -> storescp
#   4. 64 vs 4 associations, 4 KiB:     dimse4j bench store -> dimse4j storescp (and -> DCMTK storescp --fork)
# Cases 2 and 3 run with the archives on disk and again on tmpfs (/dev/shm); case 4 on tmpfs.
# Our client also drives DCMTK's servers, and its latency histograms of both stacks are plotted over one another.
# DCMTK's figures are its own tools' wall time (C programs: process start is a few ms); ours are bench's own count
# in a warm JVM (warm-up excluded). Both SCPs write every instance to the same file system, from empty archives.
#
# Usage: scripts/perf.sh [quick] [OUTDIR]   (default OUTDIR: benchmarks/results/<date>; quick: short runs, only to
# check that everything works). Take figures only on an idle machine (1-minute load average below ~0.5).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=0; if [ "${1:-}" = quick ]; then quick=1; shift; fi
out="${1:-$root/benchmarks/results/$(date +%F)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
export TCP_NODELAY=1
d4j="$root/dimse4j"
"$d4j" --version >/dev/null
work="$(mktemp -d /tmp/dimse4j-perf.XXXXXX)"
# archives on tmpfs too, when /dev/shm is one: the network stacks compared without the disk's writeback deciding
mem=""; if [ -d /dev/shm ] && [ -w /dev/shm ]; then mem="$(mktemp -d /dev/shm/dimse4j-perf.XXXXXX)"; fi
arch="$work"
# both SCPs announce DCMTK's largest Maximum Length (the default, 16384, is DCMTK's and ours alike)
pdu=131072
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work" ${mem:+"$mem"}; }
trap cleanup EXIT

if [ "$quick" = 1 ]; then
  echoes=3000; large=40; small=600; seconds=2; tcp_mb=256; loop="--echoes 3000 --large 40 --small 600 --megabytes 256"
else
  echoes=50000; large=400; small=5000; seconds=15; tcp_mb=2048; loop=""
fi
summary="$out/summary.txt"
: >"$summary"
say() { echo "$*" | tee -a "$summary"; }

# ---- the machine
{
  echo "# machine"
  echo "date:    $(date -Is)"
  echo "cpus:    $(nproc) ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'))"
  echo "memory:  $(free -g | awk '/^Mem:/ { print $2 " GiB" }')"
  echo "kernel:  $(uname -sr)"
  echo "java:    $(java -version 2>&1 | head -n 1)"
  echo "dcmtk:   $( (echoscu --version 2>&1 || true) | sed -n '1s/^\$dcmtk: *//; 1s/ *\$$//; 1p')"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at start"
} | tee "$out/machine.txt" | tee -a "$summary"
load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l >= 0.5) }'; then
  say "WARNING: 1-minute load average $load1 >= 0.5: the machine is busy, these figures are not for PERFORMANCE.md"
fi

wait_port() { for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
start() { "$@" >"$work/server-$(basename "$1")-$#.log" 2>&1 & pids+=($!); }
stop_all() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; pids=(); }
clean() { find "$arch/d" "$arch/o" -maxdepth 1 -type f -delete 2>/dev/null || true; sync; }
# (re)starts DCMTK's storescp (dport) and ours (oport) over archives under $1
serve() {
  stop_all; arch="$1"; rm -rf "$arch/d" "$arch/o"; mkdir -p "$arch/d" "$arch/o"
  start storescp -pdu "$pdu" -od "$arch/d" "$dport"
  start "$d4j" storescp -q -pdu "$pdu" -od "$arch/o" "$oport"
  wait_port "$dport"; wait_port "$oport"
}
# wall-time rate of a command: prints "<ops/s> <MB/s>"
timed() { # count bytes command...
  local count="$1" bytes="$2"; shift 2
  local t0 t1; t0=$(date +%s%N); "$@" >"$work/last.log" 2>&1 || { echo "FAILED: $*" >&2; cat "$work/last.log" >&2; }
  t1=$(date +%s%N)
  awk -v n="$count" -v b="$bytes" -v ns="$((t1 - t0))" 'BEGIN { s = ns / 1e9; printf "%.0f %.1f\n", n / s, b / 1e6 / s }'
}
# bench output -> fields
ops() { sed -n 's/^throughput: \([0-9.]*\) ops\/s.*/\1/p' "$1"; }
mbs() { sed -n 's/^throughput: [0-9.]* ops\/s, \([0-9.]*\) MB\/s.*/\1/p' "$1"; }
pct() { sed -n "s/^latency (us[^)]*):.* $2 \([0-9.]*\).*/\1/p" "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# ---- raw ceiling and the embedded suite
say ""; say "# raw loopback TCP (tcp-ceiling)"
"$d4j" tcp-ceiling --megabytes "$tcp_mb" --round-trips "$((echoes * 2))" | tee "$out/tcp-ceiling.txt" | tee -a "$summary"
tcp_rtt=$(sed -n 's/.*ping-pong.*: \([0-9.]*\) round trips\/s.*/\1/p' "$out/tcp-ceiling.txt")
tcp_p99=$(sed -n 's/.*p99 \([0-9.]*\) us,.*/\1/p' "$out/tcp-ceiling.txt")
tcp_bulk=$(sed -n 's/.*bulk: \([0-9.]*\) MB\/s.*/\1/p' "$out/tcp-ceiling.txt")

say ""; say "# embedded loopback suite (bench loopback: in-process client and server, raw TCP in the same run)"
# shellcheck disable=SC2086
"$d4j" bench loopback -q $loop --out "$out/loopback" >"$out/loopback.txt" 2>&1 || true
sed -n '/== against the raw ceiling/,$p' "$out/loopback.txt" | tee -a "$summary"

dport=$(free_port); oport=$(free_port); fport=$(free_port)
serve "$work"

# ---- 1. C-ECHO on one association
say ""; say "# 1. C-ECHO, one association, window 1"
echo "DCMTK echoscu -> DCMTK storescp: $echoes C-ECHO" >"$out/echo-dcmtk.txt"
read -r dcmtk_echo _ < <(timed "$echoes" 0 echoscu --repeat "$echoes" 127.0.0.1 "$dport")
echo "$dcmtk_echo echoes/s (wall)" >>"$out/echo-dcmtk.txt"
"$d4j" bench echo -q --count "$echoes" --warmup "$((echoes / 5))" --out "$out/echo-ours" 127.0.0.1 "$oport" \
  >"$out/echo-ours.txt" 2>&1
"$d4j" bench echo -q --count "$echoes" --warmup "$((echoes / 5))" --out "$out/echo-ours-to-dcmtk" 127.0.0.1 "$dport" \
  >"$out/echo-ours-to-dcmtk.txt" 2>&1
ours_echo=$(ops "$out/echo-ours.txt"); ours_echo_p99=$(pct "$out/echo-ours.txt" p99)
say "DCMTK echoscu -> DCMTK storescp:          $dcmtk_echo echoes/s (wall, $echoes on one association)"
say "dimse4j bench -> DCMTK storescp:          $(ops "$out/echo-ours-to-dcmtk.txt") echoes/s, p99 $(pct "$out/echo-ours-to-dcmtk.txt" p99) us"
say "dimse4j bench -> dimse4j echoscp:         $ours_echo echoes/s, p50 $(pct "$out/echo-ours.txt" p50) us, p99 $ours_echo_p99 us"
say "  ours/DCMTK round trips: $(ratio "$ours_echo" "$dcmtk_echo") (target >= 5); p99 / raw TCP p99 ($tcp_p99 us): $(ratio "$ours_echo_p99" "$tcp_p99") (target <= 3); rate / raw TCP ping-pong ($tcp_rtt/s): $(ratio "$ours_echo" "$tcp_rtt")"
"$d4j" bench plot "dimse4j->dimse4j=$out/echo-ours.hgrm" "dimse4j->DCMTK=$out/echo-ours-to-dcmtk.hgrm" \
  -o "$out/echo-compare.html" --title "C-ECHO latency, one association" >/dev/null

# ---- 2. and 3. C-STORE
store_case() { # label size count window
  local label="$1" size="$2" count="$3" window="$4"
  local src="$work/src-$size"
  [ -d "$src" ] || "$d4j" mkinstances -n "$count" --size "$size" -od "$src" >/dev/null
  local bytes; bytes=$(find "$src" -type f -name '*.dcm' -print0 | du -cb --files0-from=- | tail -n1 | cut -f1)
  clean
  storescu +sd +r 127.0.0.1 "$dport" "$src" >/dev/null 2>&1 || true # untimed warm-up (page cache)
  clean
  local dcmtk; read -r dcmtk_ops dcmtk_mbs < <(timed "$count" "$bytes" storescu +sd +r 127.0.0.1 "$dport" "$src")
  clean
  "$d4j" bench store -q --size "$size" --window "$window" --count "$count" --warmup "$((count / 5))" \
    --out "$out/store-$label-ours" 127.0.0.1 "$oport" >"$out/store-$label-ours.txt" 2>&1 || true
  clean
  "$d4j" bench store -q --size "$size" --window "$window" --count "$count" --warmup "$((count / 5))" \
    --out "$out/store-$label-ours-to-dcmtk" 127.0.0.1 "$dport" >"$out/store-$label-ours-to-dcmtk.txt" 2>&1 || true
  clean
  local o="$out/store-$label-ours.txt" od="$out/store-$label-ours-to-dcmtk.txt"
  say "DCMTK storescu -> DCMTK storescp:         $dcmtk_ops inst/s, $dcmtk_mbs MB/s (wall, $count files)"
  say "dimse4j bench -> DCMTK storescp:          $(ops "$od") inst/s, $(mbs "$od") MB/s, p99 $(pct "$od" p99) us ($(sed -n 's/.*window \([0-9]* requested \/ [0-9.-]* granted\).*/\1/p' "$od"))"
  say "dimse4j bench -> dimse4j storescp:        $(ops "$o") inst/s, $(mbs "$o") MB/s, p99 $(pct "$o" p99) us ($(sed -n 's/.*window \([0-9]* requested \/ [0-9.-]* granted\).*/\1/p' "$o"))"
  say "  ours/DCMTK: $(ratio "$(ops "$o")" "$dcmtk_ops") x instances/s, $(ratio "$(mbs "$o")" "$dcmtk_mbs") x MB/s; MB/s / raw TCP bulk ($tcp_bulk MB/s): $(ratio "$(mbs "$o")" "$tcp_bulk")"
  "$d4j" bench plot "dimse4j->dimse4j=$out/store-$label-ours.hgrm" "dimse4j->DCMTK=$out/store-$label-ours-to-dcmtk.hgrm" \
    -o "$out/store-$label-compare.html" --title "C-STORE $size latency" >/dev/null || true
}
for where in disk tmpfs; do
  if [ "$where" = disk ]; then serve "$work"; elif [ -n "$mem" ]; then serve "$mem"; else continue; fi
  say ""; say "# 2. C-STORE 512 KiB, one association, window 1, archives on $where (target: ours >= 3x DCMTK MB/s, >= 0.5 of raw TCP bulk)"
  store_case "512k-$where" 512K "$large" 1
  say ""; say "# 3. C-STORE 4 KiB, one association, window 16, archives on $where (target: ours >= 5x DCMTK instances/s)"
  store_case "4k-$where" 4K "$small" 16
done

# ---- 4. 4 vs 64 associations
# On disk, whichever run comes second inherits the first one's dirty pages and journal (a 4-association run after
# a 64-association one reads as low as the reverse), so this one runs on tmpfs when there is one.
arch="${mem:-$work}"
where=$([ -n "$mem" ] && echo tmpfs || echo disk)
say ""; say "# 4. C-STORE 4 KiB, window 16, $seconds s each: 4 vs 64 associations, archives on $where (target: no drop at 64)"
stop_all
for n in 4 64; do
  rm -rf "$arch/d" "$arch/o"; mkdir -p "$arch/d" "$arch/o"
  start storescp --fork -pdu "$pdu" -od "$arch/d" "$fport"
  start "$d4j" storescp -q -pdu "$pdu" -od "$arch/o" "$oport"
  wait_port "$fport"; wait_port "$oport"
  "$d4j" bench store -q --size 4K --window 16 --associations "$n" --duration "$seconds" --warmup "$((n * 20))" \
    --out "$out/store-4k-x$n-ours" 127.0.0.1 "$oport" >"$out/store-4k-x$n-ours.txt" 2>&1 || true
  "$d4j" bench store -q --size 4K --window 16 --associations "$n" --duration "$seconds" --warmup "$((n * 20))" \
    --out "$out/store-4k-x$n-ours-to-dcmtk" 127.0.0.1 "$fport" >"$out/store-4k-x$n-ours-to-dcmtk.txt" 2>&1 || true
  stop_all
  say "$n associations: dimse4j storescp $(ops "$out/store-4k-x$n-ours.txt") inst/s (p99 $(pct "$out/store-4k-x$n-ours.txt" p99) us); DCMTK storescp --fork $(ops "$out/store-4k-x$n-ours-to-dcmtk.txt") inst/s (p99 $(pct "$out/store-4k-x$n-ours-to-dcmtk.txt" p99) us)"
done
rm -rf "$arch/d" "$arch/o"
say "  dimse4j storescp, 64 / 4 associations: $(ratio "$(ops "$out/store-4k-x64-ours.txt")" "$(ops "$out/store-4k-x4-ours.txt")") (target >= 1); DCMTK storescp --fork: $(ratio "$(ops "$out/store-4k-x64-ours-to-dcmtk.txt")" "$(ops "$out/store-4k-x4-ours-to-dcmtk.txt")")"
stop_all
say ""; say "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "results in $out (summary.txt, *.txt per run, *.hlog / *.hgrm / *.html histograms and plots)"

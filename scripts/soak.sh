#!/usr/bin/env bash
# Soak: our qrscp (storage + C-FIND + C-GET + C-ECHO over an archive directory) under mixed load for MINUTES, then
# the invariants a storage SCP owes its callers:
#   (a) instance files in the archive == Success responses the C-STORE senders got (bench --summary-json);
#   (b) every file verifies: `dimse4j verify-archive --dcmdump` parses its Part 10 head and whole data set with our
#       readers AND with DCMTK dcmdump, its SOP Instance UID is its file name, no temporary/partial file is left;
#   (c) the server's memory is bounded: VmRSS and thread count from /proc sampled every 10 s, heap fixed
#       (-Xms = -Xmx, pre-touched, so RSS growth is off-heap growth), direct memory from NMT at start and end;
#       no WARN/ERROR/exception line in its log; it stops cleanly on SIGTERM.
# Load, all at once for the whole run (every bench run: --summary-json, no warm-up, so every stored file counts):
#   bench store 4 KiB   x4 associations, window 8, capped at SOAK_SMALL_RATE ops/s (default 600)
#   bench store 512 KiB x2 associations, window 4, capped at SOAK_MEDIUM_RATE ops/s (default 8)
#   bench store 4 MiB   x1 association,  window 2, capped at SOAK_LARGE_RATE ops/s (default 0.5)
#   bench echo          x2 associations, window 4, capped at 200 ops/s
#   bench find (study level, all studies) x1 association, window 2, capped at 10 ops/s
# The caps keep a 10-minute run to a few GB of disk; under them each run is a closed loop at what the machine does.
#
# Usage: scripts/soak.sh [MINUTES] [OUTDIR]   (default: 10 minutes, OUTDIR /tmp/dimse4j-soak-<date>)
# OUTDIR keeps summary.txt, the bench summaries (.json), latency logs (.hlog/.hgrm/.html), the server log and the
# memory samples; the archive is deleted when every check passes (keep it with KEEP_ARCHIVE=1).
# Exit 0 only if every check passes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
minutes="${1:-10}"
out="${2:-${TMPDIR:-/tmp}/dimse4j-soak-$(date +%Y%m%d-%H%M%S)}"
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); if (s < 5) s = 5; print s }')
small_rate="${SOAK_SMALL_RATE:-600}"
medium_rate="${SOAK_MEDIUM_RATE:-8}"
large_rate="${SOAK_LARGE_RATE:-0.5}"
sample_every=10
rss_limit_mb="${SOAK_RSS_GROWTH_MB:-64}"
heap="${SOAK_HEAP:-1g}"
export TCP_NODELAY=1

mkdir -p "$out"
out="$(cd "$out" && pwd)"
archive="$out/archive"
rm -rf "$archive"
d4j="$root/dimse4j"
"$d4j" --version >/dev/null # builds the jar if a source is newer
command -v dcmdump >/dev/null || { echo "soak: DCMTK dcmdump is not on PATH" >&2; exit 2; }

summary="$out/summary.txt"
: >"$summary"
say() { echo "$*" | tee -a "$summary"; }
failures=0
check() { # name ok(0/1) detail
  if [ "$2" = 0 ]; then say "PASS  $1: $3"; else say "FAIL  $1: $3"; failures=$((failures + 1)); fi
}

server_pid=""
load_pids=()
sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  for p in "${load_pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
say "# dimse4j soak: $minutes min ($seconds s) of mixed load against qrscp on 127.0.0.1:$port"
say "command: scripts/soak.sh $minutes $out"
say "date:    $(date -Is)"
say "machine: $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg) at start; $(java -version 2>&1 | head -n 1)"

# The heap is fixed and touched up front, so the process's RSS only grows with what lives outside it (direct
# buffers, threads, metaspace, code, malloc); direct memory is capped and tracked by NMT.
DIMSE4J_JAVA_OPTS="-Xms$heap -Xmx$heap -XX:+AlwaysPreTouch -XX:MaxDirectMemorySize=256m \
-XX:NativeMemoryTracking=summary -XX:+ExitOnOutOfMemoryError" \
  "$d4j" qrscp --bind 127.0.0.1 -od "$archive" "$port" >"$out/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log" >&2; echo "soak: qrscp did not start" >&2; exit 1; }
  sleep 0.1
done
say "server:  qrscp pid $server_pid, heap $heap fixed, archive $archive"

# direct memory (NMT "Other": direct ByteBuffers and Unsafe allocations), committed KB
direct_kb() { jcmd "$1" VM.native_memory summary 2>/dev/null | sed -n 's/.*- *Other (reserved=[0-9]*KB, committed=\([0-9]*\)KB).*/\1/p' | head -n 1; }
direct_first=$(direct_kb "$server_pid"); direct_first=${direct_first:-0}
sample() { # elapsed-s rss-kB threads
  local s; s=$(cat "/proc/$server_pid/status" 2>/dev/null) || return 0
  echo "$1 $(echo "$s" | awk '/^VmRSS:/ { print $2 }') $(echo "$s" | awk '/^Threads:/ { print $2 }')"
}
(
  t0=$(date +%s)
  while kill -0 "$server_pid" 2>/dev/null; do
    sample $(( $(date +%s) - t0 )) >>"$out/memory.txt"
    sleep "$sample_every"
  done
) &
sampler_pid=$!

b() { "$d4j" bench "$@"; }
run() { # name bench-args...
  local name="$1"; shift
  b "$@" --duration "$seconds" --summary-json "$out/$name.json" --out "$out/$name" 127.0.0.1 "$port" \
    >"$out/$name.log" 2>&1 &
  load_pids+=($!)
}
run store-4k    store -q --size 4K   --associations 4 --window 8 --rate "$small_rate"
run store-512k  store -q --size 512K --associations 2 --window 4 --rate "$medium_rate"
run store-4m    store -q --size 4M   --associations 1 --window 2 --rate "$large_rate"
run echo        echo  -q --associations 2 --window 4 --rate 200
run find        find  -q -k QueryRetrieveLevel=STUDY -k StudyInstanceUID --window 2 --rate 10
bench_failed=0
for p in "${load_pids[@]}"; do wait "$p" || bench_failed=$((bench_failed + 1)); done
load_pids=()

sample "end" >>"$out/memory.txt" || true
direct_last=$(direct_kb "$server_pid"); direct_last=${direct_last:-0}
kill -TERM "$server_pid"
server_exit=0
wait "$server_pid" || server_exit=$?
server_pid=""
kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""

# ---- results
field() { sed -n "s/.*\"$2\":\"\{0,1\}\([^,\"}]*\).*/\1/p" "$out/$1.json" 2>/dev/null; }
say ""
say "# load (bench summaries: $out/*.json)"
stored=0
for name in store-4k store-512k store-4m echo find; do
  if [ ! -s "$out/$name.json" ]; then
    check "$name" 1 "no summary written; see $out/$name.log: $(tail -n 3 "$out/$name.log" | tr '\n' ' ')"
    continue
  fi
  ok=$(field "$name" succeeded); fl=$(field "$name" failed); un=$(field "$name" unanswered)
  fa=$(field "$name" failed_associations)
  say "$(printf '%-10s %9s ok %4s failed %4s unanswered, %8s ops/s %7s MB/s, p50 %9s us p99 %9s us max %9s us%s' \
    "$name" "$ok" "$fl" "$un" "$(field "$name" ops_per_s)" "$(field "$name" mb_per_s)" "$(field "$name" 50)" \
    "$(field "$name" 99)" "$(field "$name" max)" \
    "$([ "$name" = find ] && echo ", $(field "$name" matches) matches")")"
  case "$name" in store-*) stored=$((stored + ok));; esac
  bad=$(( fl + un + fa ))
  [ "$bad" = 0 ] || check "$name" 1 "$fl failure responses, $un unanswered requests, $fa associations failed; see $out/$name.log"
done
[ "$bench_failed" = 0 ] || check "bench exit codes" 1 "$bench_failed bench runs exited non-zero"

say ""
say "# checks"
"$d4j" verify-archive -q --dcmdump --expect "$stored" "$archive" >"$out/verify.txt" 2>&1 || true
line=$(tail -n 1 "$out/verify.txt")
instances=$(echo "$line" | sed -n 's/.* instances=\([0-9]*\).*/\1/p')
check "(a) files == successes" "$([ "${instances:-x}" = "$stored" ] && echo 0 || echo 1)" \
  "${instances:-?} instance files in the archive, $stored Success responses to C-STORE"
check "(b) every file verifies" "$(echo "$line" | grep -q 'result=OK' && echo 0 || echo 1)" \
  "$(echo "$line" | sed 's/^verify-archive: //')$(grep '^problem' "$out/verify.txt" | head -n 5 | sed 's/^/; /' | tr '\n' ' ')"

rss_first=$(awk 'NR == 1 { print $2 }' "$out/memory.txt")
rss_last=$(awk 'END { print $2 }' "$out/memory.txt")
# growth is judged from the first quarter's peak (start-up: JIT, buffers, the first associations) to the end
rss_settled=$(awk -v q="$((seconds / 4))" '$1 != "end" && $1 <= q && $2 > m { m = $2 } END { print m + 0 }' "$out/memory.txt")
thr_settled=$(awk -v q="$((seconds / 4))" '$1 != "end" && $1 <= q && $3 > m { m = $3 } END { print m + 0 }' "$out/memory.txt")
thr_last=$(awk 'END { print $3 }' "$out/memory.txt")
rss_max=$(awk '$2 > m { m = $2 } END { print m + 0 }' "$out/memory.txt")
samples=$(wc -l <"$out/memory.txt")
growth_mb=$(( (rss_last - rss_settled) / 1024 ))
check "(c) memory bounded" "$([ "$growth_mb" -le "$rss_limit_mb" ] && [ "$thr_last" -le $((thr_settled + 2)) ] && \
  [ "$direct_last" -le $((direct_first + 65536)) ] && echo 0 || echo 1)" \
  "VmRSS first $((rss_first / 1024)) MB, after the first quarter $((rss_settled / 1024)) MB, max $((rss_max / 1024)) MB, last $((rss_last / 1024)) MB (growth ${growth_mb} MB, limit ${rss_limit_mb}); threads $thr_settled -> $thr_last; direct (NMT Other) $direct_first -> $direct_last KB; $samples samples"
errors=$(grep -c -E 'WARN|ERROR|Exception|OutOfMemory' "$out/server.log" || true)
check "(c) server log clean" "$([ "$errors" = 0 ] && echo 0 || echo 1)" \
  "$errors WARN/ERROR/exception lines in $out/server.log$([ "$errors" = 0 ] || echo ": $(grep -m 3 -E 'WARN|ERROR|Exception|OutOfMemory' "$out/server.log" | tr '\n' ' ')")"
check "(c) clean stop" "$([ "$server_exit" = 0 ] || [ "$server_exit" = 143 ] && echo 0 || echo 1)" \
  "qrscp exit status $server_exit after SIGTERM"

say ""
if [ "$failures" = 0 ]; then
  say "soak PASSED ($minutes min, $stored instances stored and verified); details in $out"
  [ "${KEEP_ARCHIVE:-0}" = 1 ] || rm -rf "$archive"
  exit 0
fi
say "soak FAILED: $failures checks; archive kept in $archive, details in $out"
exit 1

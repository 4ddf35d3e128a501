#!/usr/bin/env bash
# C-ECHO round trips on one association, ours vs DCMTK, in the same run, on loopback.
# Usage: scripts/echo-compare.sh [N]   (default N=20000). Prints wall time per client/server pair and rates.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-20000}"
export TCP_NODELAY=1
"$root/dimse4j" --version >/dev/null
dcmtk_port=$((20000 + RANDOM % 10000)); ours_port=$((dcmtk_port + 1))
storescp -od "$(mktemp -d)" "$dcmtk_port" & dcmtk_pid=$!
"$root/dimse4j" echoscp -q "$ours_port" >/dev/null 2>&1 & ours_pid=$!
trap 'kill $dcmtk_pid $ours_pid 2>/dev/null || true' EXIT
for p in "$dcmtk_port" "$ours_port"; do
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null && break; sleep 0.1; done
done
run() { # label, command...
  local label="$1"; shift
  local t0 t1; t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
  awk -v l="$label" -v n="$n" -v ns="$((t1 - t0))" 'BEGIN { printf "%-40s %8.3f s  %9.0f echoes/s (wall, process start included)\n", l, ns/1e9, n/(ns/1e9) }'
}
echo "C-ECHO x $n on one association, $(nproc) cores, $(uname -r)"
run "DCMTK echoscu   -> DCMTK storescp" echoscu --repeat "$n" 127.0.0.1 "$dcmtk_port"
run "dimse4j echoscu -> DCMTK storescp" "$root/dimse4j" echoscu -q -r "$n" 127.0.0.1 "$dcmtk_port"
run "DCMTK echoscu   -> dimse4j echoscp" echoscu --repeat "$n" 127.0.0.1 "$ours_port"
run "dimse4j echoscu -> dimse4j echoscp" "$root/dimse4j" echoscu -q -r "$n" 127.0.0.1 "$ours_port"
echo "dimse4j echoscu's own count (association open to release, JVM start excluded):"
"$root/dimse4j" echoscu -q -r "$n" 127.0.0.1 "$dcmtk_port" | sed 's/^/  -> DCMTK storescp:  /'
"$root/dimse4j" echoscu -q -r "$n" 127.0.0.1 "$ours_port" | sed 's/^/  -> dimse4j echoscp: /'

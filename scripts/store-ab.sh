#!/usr/bin/env bash
# A/B of our storescp between two builds, separate JVMs, same client (bench store from the second jar), alternating
# runs, each from an empty archive: usage: scripts/store-ab.sh BASE.jar NEW.jar ARCHIVE-PARENT SIZE WINDOW COUNT [REPS]
# e.g. scripts/store-ab.sh /tmp/base.jar cli/target/dimse4j.jar /dev/shm 4K 16 100000 3
# Prints instances/s and MB/s of each run and the server's CPU per instance (from /proc, warm-up included).
set -euo pipefail
base=$1; new=$2; parent=$3; size=$4; window=$5; count=$6; reps=${7:-3}
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
warm=$((count / 5))
for rep in $(seq "$reps"); do
  for label in base new; do
    jar=$base; [ "$label" = new ] && jar=$new
    arch="$parent/store-ab-$label"
    rm -rf "$arch"
    java -jar "$jar" storescp -q -pdu 131072 -od "$arch" "$port" > "${TMPDIR:-/tmp}/store-ab-$label.log" 2>&1 &
    spid=$!
    for _ in $(seq 50); do (echo > /dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.2; done
    t0=$(awk '{print $14+$15}' /proc/$spid/stat)
    out=$(java -jar "$new" bench store -q --size "$size" --window "$window" -pdu 131072 --count "$count" \
      --warmup "$warm" 127.0.0.1 "$port" 2>&1 | grep throughput)
    t1=$(awk '{print $14+$15}' /proc/$spid/stat)
    kill "$spid"; wait "$spid" 2>/dev/null || true
    rm -rf "$arch"; sync; sleep 3 # let the deletes (and the file system's discards) settle before the next run
    echo "$label load=$(cut -d' ' -f1 /proc/loadavg) $out | server CPU $(( (t1 - t0) * 10000000 / (count + warm) / 1000 )) us/instance"
  done
done

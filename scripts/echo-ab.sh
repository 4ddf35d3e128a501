#!/usr/bin/env bash
# A/B of the C-ECHO round trip, separate JVMs: usage: scripts/echo-ab.sh JAR "SPIN-OPTIONS" COUNT LABEL
# e.g. scripts/echo-ab.sh cli/target/dimse4j.jar "--spin-micros 0" 30000 block; JOPT=... adds JVM options.
# Prints ops/s, latency, the server's CPU per echo (from /proc, warm-up included) and the client's CPU.
jar=$1; spin=$2; count=$3; label=$4
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
java $JOPT -jar $jar echoscp -q $spin $port > ${TMPDIR:-/tmp}/scp-$label.log 2>&1 &
spid=$!
for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
ticks() { awk '{print $14+$15}' /proc/$spid/stat; }
t0=$(ticks)
out=$( { /usr/bin/time -f "CPU %U+%S wall %e" java $JOPT -jar $jar bench echo $spin --count $count --warmup 10000 127.0.0.1 $port; } 2>&1 )
t1=$(ticks)
kill $spid; wait $spid 2>/dev/null
tp=$(echo "$out" | grep throughput | awk '{print $2}')
lat=$(echo "$out" | grep latency | sed 's/latency (us): //')
cpu=$(echo "$out" | grep "^CPU")
load=$(cut -d' ' -f1 /proc/loadavg)
echo "$label load=$load ops/s=$tp | $lat | server CPU $(( (t1-t0)*10000000/(count+10000) / 1000 )) us/op (incl. warm-up) | client $cpu"

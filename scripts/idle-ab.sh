#!/usr/bin/env bash
# Server CPU while N associations sit nearly idle (2 echoes/s in all): usage: scripts/idle-ab.sh JAR N LABEL
jar=$1; n=$2; label=$3
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
java -jar $jar echoscp -q $port > ${TMPDIR:-/tmp}/iscp-$label.log 2>&1 &
spid=$!
for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
java -jar $jar bench echo -q --associations $n --rate 2 --duration 16 --warmup 0 127.0.0.1 $port > ${TMPDIR:-/tmp}/iscu-$label.log 2>&1 &
cpid=$!
sleep 9
t0=$(awk '{print $14+$15}' /proc/$spid/stat); sleep 5; t1=$(awk '{print $14+$15}' /proc/$spid/stat)
open=$(ss -tn state established "( sport = :$port )" | tail -n +2 | wc -l)
wait $cpid; kill $spid; wait $spid 2>/dev/null
echo "$label load=$(cut -d' ' -f1 /proc/loadavg) associations=$open server CPU $(( (t1-t0)*10/5 )) ms/s"

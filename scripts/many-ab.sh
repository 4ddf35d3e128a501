#!/usr/bin/env bash
# Aggregate C-ECHO/s with window 16 over N associations: usage: scripts/many-ab.sh JAR N LABEL [SERVER-OPTIONS]
jar=$1; n=$2; label=$3; sopt=$4
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
java -jar $jar echoscp -q $sopt $port > ${TMPDIR:-/tmp}/mscp-$label.log 2>&1 &
spid=$!
for i in $(seq 50); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.2; done
out=$(java -jar $jar bench echo --associations $n --window 16 --duration 6 --warmup 20000 127.0.0.1 $port 2>&1)
kill $spid; wait $spid 2>/dev/null
echo "$label load=$(cut -d' ' -f1 /proc/loadavg) $(echo "$out" | grep -E "^throughput" ) $(echo "$out" | grep -E "^latency" | head -1)"

#!/usr/bin/env bash
# RSS of a policyd started by bin/policyd: idle (10 s after "ready"), holding 900 idle socketmap
# connections, and under load on top of them (64 connections for 20 s: median and highest of one
# sample a second), then 8 s after the load. POLICYD_JAVA_OPTS as in the environment (unset: the
# launcher's defaults). Usage: rss-under-load.sh CHECKOUT CONFIG SOCKETMAP_PORT KEYFILE
set -euo pipefail
checkout=$1; config=$2; port=$3; keys=$4
here="$(dirname "$(readlink -f "$0")")"
log=$(mktemp); held_log=$(mktemp); load_log=$(mktemp)
"$checkout/bin/policyd" --config "$config" > "$log" 2>&1 & pid=$!
for _ in $(seq 1 120); do grep -q "policyd ready" "$log" && break; sleep 0.5; done
rss() { awk '/VmRSS/{printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
sleep 10; idle=$(rss)
python3 "$here/idle-connections.py" 127.0.0.1 "$port" 900 120 > "$held_log" 2>&1 & holder=$!
for _ in $(seq 1 120); do grep -q holding "$held_log" && break; sleep 0.5; done
sleep 5; held=$(rss)
/tmp/loadgen socketmap 127.0.0.1 "$port" 64 20 "$keys" starttls > "$load_log" & loader=$!
samples=(); for _ in $(seq 1 19); do sleep 1; samples+=("$(rss)"); done
wait $loader; sleep 8; after=$(rss)
sorted=$(printf '%s\n' "${samples[@]}" | sort -n)
echo "idle=${idle}MB held900=${held}MB load_median=$(echo "$sorted" | sed -n 10p)MB load_max=$(echo "$sorted" | tail -1)MB" \
     "after=${after}MB threads=$(ls /proc/$pid/task | wc -l) $(grep -o 'rps=[0-9]*' "$load_log") $(grep -o 'holding [0-9]*' "$held_log")"
kill $holder $pid; wait $pid 2>/dev/null || true
rm -f "$log" "$held_log" "$load_log"

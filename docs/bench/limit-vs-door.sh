#!/usr/bin/env bash
# Socketmap door against the C limit server (../shared/bench), as its README says: one run,
# limit and door alternated (the order swapped every round), 16 and 64 connections.
# Prints one line per run, then per connection count the medians and the per-round ratios.
# Usage: limit-vs-door.sh DOOR_PID DOOR_PORT KEYFILE [ROUNDS] [SECONDS]
#   DOOR_PID: the policyd process (for its CPU per request). Needs /tmp/limitserver and /tmp/loadgen
#   built as ../shared/bench/README.md shows. Environment: LIMIT_PORT (25471), WARM seconds (10)
#   of door load at each connection count before its rounds, LIMIT_THREADS (2: as many as the door
#   has I/O threads, one per core on a 2-core machine), CONNS ("16 64": the connection counts).
# jit_ms on the door's lines is the CPU its JIT compiler threads used during that run: near 0 when
# the door was measured warm, as a daemon in service is.
set -euo pipefail
door_pid=$1; door_port=$2; keys=$3; rounds=${4:-5}; secs=${5:-5}
limit_port=${LIMIT_PORT:-25471}
/tmp/limitserver "$limit_port" socketmap "${LIMIT_THREADS:-2}" & limit_pid=$!
trap 'kill $limit_pid' EXIT
sleep 0.3
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU ticks of the door's JIT compiler threads ("C1 CompilerThre", "C2 CompilerThre").
jit() {
  local sum=0 t
  for t in /proc/"$door_pid"/task/*; do
    case "$(cat "$t/comm" 2>/dev/null)" in
      C1\ Compiler* | C2\ Compiler*) sum=$((sum + $(awk '{print $14 + $15}' "$t/stat"))) ;;
    esac
  done
  echo "$sum"
}
/tmp/loadgen socketmap 127.0.0.1 "$limit_port" 16 1 "$keys" starttls > /dev/null
out=$(mktemp)
for conns in ${CONNS:-16 64}; do
  # The JIT compiles the door's path anew for each load shape (at 16 connections fewer sockets
  # are ready per wake-up than at 64) and recompiles parts of it the first few times connections
  # close and others open (each round below is new connections, as Postfix's smtp processes come
  # and go); measured before it settles, the door pays for compiling, the limit for nothing. So the
  # warm-up is WARM runs of 1 s each.
  for _ in $(seq 1 "${WARM:-10}"); do
    /tmp/loadgen socketmap 127.0.0.1 "$door_port" "$conns" 1 "$keys" starttls > /dev/null
  done
  for round in $(seq 1 "$rounds"); do
    order="limit door"; [ $((round % 2)) -eq 0 ] && order="door limit"
    for target in $order; do
      if [ "$target" = limit ]; then port=$limit_port; pid=$limit_pid; else port=$door_port; pid=$door_pid; fi
      load=$(cut -d' ' -f1 /proc/loadavg); c0=$(cpu "$pid"); j0=$(jit)
      line=$(/tmp/loadgen socketmap 127.0.0.1 "$port" "$conns" "$secs" "$keys" starttls)
      c1=$(cpu "$pid"); j1=$(jit); n=$(echo "$line" | sed 's/.*requests=\([0-9]*\).*/\1/')
      jit_ms=""; [ "$target" = door ] && jit_ms="jit_ms=$(( (j1 - j0) * 10 )) "
      echo "round=$round target=$target load=$load cpu_us=$(awk -v a="$c0" -v b="$c1" -v n="$n" 'BEGIN{printf "%.2f", (b-a)*1e6/100/n}') ${jit_ms}rss_kb=$(awk '/VmRSS/{print $2}' "/proc/$pid/status") $line" | tee -a "$out"
    done
  done
done
python3 - "$out" <<'PY'
import collections, statistics as st, sys
rows = [dict(f.split('=', 1) for f in line.split()) for line in open(sys.argv[1])]
rounds = collections.defaultdict(dict)
for r in rows:
    rounds[(int(r['conns']), int(r['round']))][r['target']] = r
for conns in sorted({k[0] for k in rounds}):
    rs = [v for k, v in rounds.items() if k[0] == conns]
    med = lambda t, f: st.median(float(v[t][f]) for v in rs)
    thr = [float(v['door']['rps']) / float(v['limit']['rps']) for v in rs]
    p99 = [float(v['door']['p99_us']) / float(v['limit']['p99_us']) for v in rs]
    print(f"conns={conns} rounds={len(rs)} limit: rps={med('limit','rps'):.0f} p50={med('limit','p50_us'):.0f} "
          f"p99={med('limit','p99_us'):.0f} cpu={med('limit','cpu_us'):.2f}us | door: rps={med('door','rps'):.0f} "
          f"p50={med('door','p50_us'):.0f} p99={med('door','p99_us'):.0f} cpu={med('door','cpu_us'):.2f}us "
          f"errors={sum(int(v['door']['errors']) for v in rs)} jit_ms={sum(int(v['door'].get('jit_ms', 0)) for v in rs)} | throughput ratio {st.median(thr):.2f} "
          f"({' '.join('%.2f' % x for x in thr)}) | p99 ratio {st.median(p99):.2f} ({' '.join('%.2f' % x for x in p99)})")
PY
rm -f "$out"

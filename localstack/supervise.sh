#!/usr/bin/env bash
# supervise.sh PARENT_PID CMD...: runs CMD, and stops it when PARENT_PID exits (so an
# emulator started by a test process never outlives it).
set -u
parent="$1"
shift
"$@" &
child=$!
trap 'kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM INT
while kill -0 "$parent" 2>/dev/null && kill -0 "$child" 2>/dev/null; do
  sleep 0.5
done
kill "$child" 2>/dev/null
sleep 1
kill -9 "$child" 2>/dev/null
wait "$child" 2>/dev/null

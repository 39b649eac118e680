#!/usr/bin/env bash
# Drives the real window with X events (xdotool), as a user would: the step
# key advances the cursor, Backspace steps back, a click on the timeline jumps
# to that op. The app reports its state through --dump-state.
# usage: input_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
exe=$1 scenario=$2 work=$3
mkdir -p "$work"
state="$work/state.json"
rm -f "$state"
fail() { echo "FAIL: $*"; [ -f "$state" ] && cat "$state"; exit 1; }
"$exe" "$scenario" --dump-state "$state" &
app=$!
trap 'kill $app 2>/dev/null || true' EXIT

field() { python3 -c "import json,sys; print(json.load(open('$state'))['$1'])"; }
wait_for() {  # wait_for FIELD VALUE: up to 10 s
  for _ in $(seq 100); do
    [ -f "$state" ] && [ "$(field "$1" 2>/dev/null)" = "$2" ] && return 0
    sleep 0.1
  done
  fail "$1 never became $2 (is $(field "$1" 2>/dev/null || echo '?'))"
}
# ImGui 1.86 has no input queue: a key must stay down across a frame.
key() { xdotool keydown "$1"; sleep 0.15; xdotool keyup "$1"; sleep 0.15; }

wait_for cursor 0
win=$(xdotool search --sync --name '^backprop-viz' | head -n 1)
xdotool windowfocus --sync "$win" || true
xdotool mousemove --window "$win" 400 300   # over the canvas, not a text field

key space;     wait_for cursor 1
key space;     wait_for cursor 2
key BackSpace; wait_for cursor 1
key End;       wait_for cursor "$(field op_count)"
key Home;      wait_for cursor 0

# Click the 10th op of the timeline: the cursor lands just after it.
read -r x y < <(python3 -c "
import json; r = json.load(open('$state'))['timeline_rects'][9]
print(int(r[0] + r[2] / 2), int(r[1] + r[3] / 2))")
xdotool mousemove --window "$win" "$x" "$y"; sleep 0.15
xdotool mousedown 1; sleep 0.15; xdotool mouseup 1
wait_for cursor 10
echo "PASS"

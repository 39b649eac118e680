# Shared by the GUI tests (sourced with the test's arguments BACKPROP_VIZ
# SCENARIO WORK_DIR): launch the app with --dump-state, read the dump, wait on
# it, press keys.
# ImGui 1.86 has no input queue: a key must stay down across a frame.

exe=$1 scenario=$2 work=$3
mkdir -p "$work"
state="$work/state.json"  # the app's --dump-state
app=
fail() { echo "FAIL: $*"; [ -f "$state" ] && cat "$state"; exit 1; }
trap '[ -n "$app" ] && kill $app 2>/dev/null || true' EXIT

py() {  # py FILE EXPR: EXPR with d = the JSON in FILE (retries a file caught mid-rename)
  for _ in 1 2 3; do
    python3 -c "import json; d = json.load(open('$1')); print($2)" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
dump() { py "$state" "$1"; }  # dump EXPR: EXPR with d = the app's state dump

wait_until() {  # wait_until PYTHON_CONDITION WHAT: up to 10 s, on the state dump
  for _ in $(seq 100); do
    [ -f "$state" ] && [ "$(dump "bool($1)" || true)" = "True" ] && return 0
    sleep 0.1
  done
  fail "$2"
}

start() {  # start [ARGS…]: the app on ARGS, its window focused, the mouse on the canvas
  rm -f "$state"
  "$exe" "$@" --dump-state "$state" &
  app=$!
  wait_until "'cursor' in d" "the app did not start"
  win=$(xdotool search --sync --name '^backprop-viz' | head -n 1)
  xdotool windowfocus --sync "$win" || true
  xdotool mousemove --window "$win" 400 300   # over the canvas, not a text field
}

key() { xdotool keydown "$1"; sleep 0.15; xdotool keyup "$1"; sleep 0.15; }

# press_until PYTHON_CONDITION WHAT COMMAND…: runs COMMAND (a key press) and
# waits 3 s for the condition, up to three times. For presses a loaded machine
# can drop (no input queue: a key down and up inside one slow frame is never
# seen); a press the app saw and ignored is retried harmlessly.
press_until() {
  local cond=$1 what=$2; shift 2
  for _ in 1 2 3; do
    "$@"
    for _ in $(seq 30); do
      [ -f "$state" ] && [ "$(dump "bool($cond)" || true)" = "True" ] && return 0
      sleep 0.1
    done
  done
  fail "$what"
}

# Clicks by screen position, or by the name of a rectangle the app publishes
# in the dump's edit_rects (buttons, fields, tabs, neurons "neuron_L_J").
click_at() { xdotool mousemove --window "$win" "$1" "$2"; sleep 0.15; xdotool mousedown 1; sleep 0.15; xdotool mouseup 1; sleep 0.25; }
center() { dump "' '.join(str(int(v)) for v in (d['edit_rects']['$1'][0] + d['edit_rects']['$1'][2] / 2, d['edit_rects']['$1'][1] + d['edit_rects']['$1'][3] / 2))"; }
click() { wait_until "'$1' in d['edit_rects']" "no '$1' on screen"; read -r x y < <(center "$1"); click_at "$x" "$y"; }

# quit_with_ctrl_q: Ctrl+Q, held across a frame (no input queue), up to three
# times on a loaded machine; the app must exit 0.
quit_with_ctrl_q() {
  for _ in 1 2 3; do
    xdotool keydown ctrl keydown q; sleep 0.2; xdotool keyup q keyup ctrl
    for _ in $(seq 30); do kill -0 "$app" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$app" 2>/dev/null || break
  done
  if kill -0 "$app" 2>/dev/null; then fail "Ctrl+Q did not quit"; fi
  set +e; wait "$app"; local rc=$?; set -e; app=
  [ "$rc" = 0 ] || fail "exit $rc"
}

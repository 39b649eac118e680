#!/usr/bin/env bash
# Drives the real window with X events (xdotool), as a user would: the step
# key advances the cursor, Backspace steps back, a click on the timeline jumps
# to that op. The app reports its state through --dump-state.
# usage: input_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
source "$(dirname "$0")/lib.sh"  # exe, scenario, work and state from the arguments

start "$scenario"
wait_until "d['cursor'] == 0" "the app did not start at op 0"

key space;     wait_until "d['cursor'] == 1" "the cursor did not reach 1"
key space;     wait_until "d['cursor'] == 2" "the cursor did not reach 2"
key BackSpace; wait_until "d['cursor'] == 1" "the cursor did not reach 1"
key End;       wait_until "d['cursor'] == d['op_count']" "End did not run to the end"
key Home;      wait_until "d['cursor'] == 0" "the cursor did not reach 0"

# Click the 10th op of the timeline: the cursor lands just after it.
read -r x y < <(dump "' '.join(str(int(v)) for v in (d['timeline_rects'][9][0] + d['timeline_rects'][9][2] / 2, d['timeline_rects'][9][1] + d['timeline_rects'][9][3] / 2))")
xdotool mousemove --window "$win" "$x" "$y"; sleep 0.15
xdotool mousedown 1; sleep 0.15; xdotool mouseup 1
wait_until "d['cursor'] == 10" "the cursor did not reach 10"

# Text size: Ctrl+= twice, Ctrl+− once, Ctrl+0; the fonts follow (ui_scale).
ctrl_key() { xdotool keydown Control_L; sleep 0.05; key "$1"; xdotool keyup Control_L; sleep 0.1; }
ctrl_key equal; wait_until "d['text_scale'] > 1.0 and d['ui_scale'] > 1.0" "Ctrl+= did not enlarge the text"
ctrl_key equal; wait_until "d['text_scale'] > 1.2" "a second Ctrl+= did not enlarge it again"
big=$(dump "d['text_scale']")
ctrl_key minus; wait_until "d['text_scale'] < $big" "Ctrl+- did not make it smaller"
ctrl_key 0;     wait_until "d['text_scale'] == 1.0 and d['ui_scale'] == 1.0" "Ctrl+0 did not reset the text size"
# Help: F1 opens the overlay, Escape closes it, '?' opens it again.
key F1;     wait_until "d['help_open']" "F1 did not open the help"
key Escape; wait_until "not d['help_open']" "Escape did not close the help"
xdotool type --delay 60 "?"; wait_until "d['help_open']" "? did not open the help"
key Escape; wait_until "not d['help_open']" "Escape did not close the help"
echo "PASS"

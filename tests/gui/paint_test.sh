#!/usr/bin/env bash
# An image input (mnist_shaped.json, 28×28): a left drag across the input
# image paints the shown example's pixels as one undoable edit and the
# forward pass recomputes from them (the output changes); Ctrl+Z takes the
# stroke back; a right drag erases. The painted canvas is left in WORK_DIR.
# usage: paint_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
source "$(dirname "$0")/lib.sh"  # exe, scenario, work and state from the arguments
start "$scenario"
wait_until "'input_image' in d['edit_rects']" "the input layer is not drawn as an image"
press_until "d['cursor'] == d['op_count']" "End did not finish the pass" key End
before=$(dump "d['shown_inputs_sum']")
output=$(dump "d['output']")
read -r ix iy iw ih < <(dump "' '.join(str(int(v)) for v in d['edit_rects']['input_image'])")
stroke() {  # stroke BUTTON: a drag across the image's middle row, left to right
  xdotool mousemove --window "$win" $((ix + iw / 8)) $((iy + ih / 2)); sleep 0.2
  xdotool mousedown "$1"; sleep 0.2
  for k in 2 3 4 5 6 7; do xdotool mousemove --window "$win" $((ix + k * iw / 8)) $((iy + ih / 2)); sleep 0.08; done
  sleep 0.2; xdotool mouseup "$1"; sleep 0.3
}
stroke 1
wait_until "d['shown_inputs_sum'] > $before + 3" "a left drag did not paint the image"
dump "d['undo_label'] == 'paint the image of example 1'" | grep -qx True || fail "the stroke is not one undoable edit"
wait_until "d['output'] != $output" "the forward pass did not follow the painted pixels"
import -window root "$work/painted.png" 2>/dev/null || true
press_until "abs(d['shown_inputs_sum'] - $before) < 1e-9" "Ctrl+Z did not take the stroke back" key ctrl+z
stroke 3
wait_until "d['shown_inputs_sum'] < $before - 1" "a right drag did not erase"
echo PASS

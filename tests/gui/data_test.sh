#!/usr/bin/env bash
# The Data tab on circle.json: ticking x₁² is an undoable edit that gives the
# network a third input (the features x₁, x₂, x₁²); Ctrl+Z takes it back; a left
# click on the plot adds a training point, and the generator is dropped with it.
# The tab's screenshot is left in WORK_DIR.
# usage: data_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
source "$(dirname "$0")/lib.sh"  # exe, scenario, work and state from the arguments
start "$scenario"
dump "d['input_size'] == 2 and d['features'] == []" | grep -qx True || fail "circle.json should start with x1, x2"
click tab_data
wait_until "'data_feature_x1^2' in d['edit_rects']" "the Data tab did not open"
# The controls sit under the plot in a narrow column: scroll the tab until the checkbox is in view.
read -r tx ty < <(center tab_data)
xdotool mousemove --window "$win" "$tx" $((ty + 60))
for _ in $(seq 20); do
  dump "d['edit_rects']['data_feature_x1^2'][1] + 22 < d['framebuffer'][1] - 200" | grep -qx True && break
  xdotool click 5; sleep 0.2
done
click "data_feature_x1^2"
wait_until "d['input_size'] == 3 and d['features'] == ['x1', 'x2', 'x1^2']" "ticking x1^2 did not add the feature"
dump "d['modified'] and d['undo_label'] == 'features: x₁, x₂, x₁²'" | grep -qx True || fail "the feature edit is not an undoable edit"
xdotool mousemove --window "$win" 5 700; sleep 0.4
import -window root "$work/data.png" 2>/dev/null || true
press_until "d['input_size'] == 2" "Ctrl+Z did not take the feature back" key ctrl+z
rows=$(dump "d['train_rows']")
for _ in $(seq 20); do  # back up to the plot
  dump "d['edit_rects']['data_plot'][1] > $ty" | grep -qx True && break
  xdotool mousemove --window "$win" "$tx" $((ty + 60)); xdotool click 4; sleep 0.2
done
click data_plot
wait_until "d['train_rows'] == $rows + 1" "a click on the plot did not add a point"
dump "d['undo_label'] == 'add a training point'" | grep -qx True || fail "the point is not an undoable edit"
echo PASS

#!/usr/bin/env bash
# Edits a weight through the UI, as a student would: at the loss op, a
# double-click on a cell of the matrix inspector's W tab, Ctrl+A, a new number,
# Return. The dump must show the weight, the network's output a and the loss
# changed; Ctrl+Z must bring all three back exactly. Then Adam is chosen in the
# Edit panel's optimizer combo and undone. Screenshots of the edited state
# (with the change flash) and of the Edit panel are left in WORK_DIR.
# usage: edit_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
source "$(dirname "$0")/lib.sh"  # exe, scenario, work and state from the arguments

start "$scenario"
wait_until "d['cursor'] == 0" "the app did not start at op 0"

# Forward pass and loss: 7 ops on the seed (3 layers × (z, a) + the loss).
for _ in 1 2 3 4 5 6 7; do key space; done
wait_until "d['cursor'] == 7" "the cursor did not reach op 7"
cell=$(dump "next(k for k in d['edit_rects'] if k.startswith('W') and k.endswith('.0.0'))") ||
  fail "the matrix inspector published no W cell"
l=${cell#W}; l=${l%%.*}
before=$(dump "[d['weights'][$l - 1][0][0], d['output'], d['loss']]")
echo "before the edit (W$l[0][0], output, loss): $before"

# Double-click the cell: it becomes a number field with the keyboard.
read -r x y < <(center "$cell")
xdotool mousemove --window "$win" "$x" "$y"; sleep 0.2
xdotool mousedown 1; sleep 0.08; xdotool mouseup 1; sleep 0.06
xdotool mousedown 1; sleep 0.08; xdotool mouseup 1; sleep 0.4
xdotool keydown Control_L; sleep 0.05; key a; xdotool keyup Control_L; sleep 0.1
xdotool type --delay 60 "2.5"; sleep 0.2
key Return
wait_until "d['weights'][$l - 1][0][0] == 2.5" "typing 2.5 into $cell did not set the weight"
# The change flash marks what the edit changed: the weight, the outputs downstream, the loss.
dump "d['last_change']['flashed'] and d['last_change']['weights'] >= 1 and d['last_change']['neurons'] >= 3 and d['last_change']['loss']" |
  grep -qx True || fail "the edit's changes are not flashed"
xdotool mousemove --window "$win" 400 300; sleep 0.2   # off the cell, so its flash is not hidden by the hover
import -window root "$work/edited.png" 2>/dev/null || true
after=$(dump "[d['weights'][$l - 1][0][0], d['output'], d['loss']]")
echo "after the edit:  $after"
dump "d['output'] != $before[1] and d['loss'] != $before[2] and d['cursor'] == 7" | grep -qx True ||
  fail "the output and the loss did not change with the weight (or the cursor moved)"

# Ctrl+Z: everything back, bit for bit (JSON prints doubles round-trip exact).
xdotool keydown Control_L; sleep 0.05; key z; xdotool keyup Control_L
wait_until "[d['weights'][$l - 1][0][0], d['output'], d['loss']] == $before" "Ctrl+Z did not restore the weight, output and loss"
echo "after Ctrl+Z:    $(dump "[d['weights'][$l - 1][0][0], d['output'], d['loss']]")"

# The Edit tab opens the editor panel (screenshot for a person to look at).
read -r x y < <(center tab_edit)
click_at "$x" "$y"
wait_until "'learning_rate' in d['edit_rects']" "the Edit tab did not show the editor"
sleep 0.3
import -window root "$work/edit_panel.png" 2>/dev/null || true

# Choose Adam in the optimizer combo: one edit, more ops (t, m, v per
# parameter); Ctrl+Z brings plain SGD and its op list back.
ops_before=$(dump "d['op_count']")
read -r x y < <(center optimizer)
click_at "$x" "$y"
wait_until "'optimizer_adam' in d['edit_rects']" "the optimizer combo did not open"
read -r x y < <(center optimizer_adam)
click_at "$x" "$y"
wait_until "d['optimizer'] == 'adam' and d['op_count'] > $ops_before" "choosing adam in the combo did not set the optimizer"
wait_until "'opt_beta1' in d['edit_rects']" "Adam's β₁ field is not shown"
sleep 0.3
import -window root "$work/edit_panel_adam.png" 2>/dev/null || true
xdotool mousemove --window "$win" 400 300; sleep 0.2
xdotool keydown Control_L; sleep 0.05; key z; xdotool keyup Control_L
wait_until "d['optimizer'] == '' and d['op_count'] == $ops_before" "Ctrl+Z did not bring plain SGD back"
echo "PASS"

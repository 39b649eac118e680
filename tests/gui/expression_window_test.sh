#!/usr/bin/env bash
# An expression graph's window: keys step it forward and back, End runs the
# whole step and the parameters' updates, a second Space starts the next step,
# and Ctrl+Q quits cleanly. Runs inside its own Xvfb (xvfb-run -a).
# usage: expression_window_test.sh BACKPROP_VIZ EXPRESSION WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
start "$scenario"
[ "$(dump "d['kind']")" = "expression" ] || fail "not the expression window"
press_until "d['cursor'] == 1" "Space did not step" key space
press_until "d['cursor'] == 2" "Right did not step" key Right
press_until "d['cursor'] == 1" "Left did not step back" key Left
press_until "d['cursor'] == d['op_count']" "End did not run the step" key End
press_until "d['steps_trained'] == 1 and d['cursor'] == 0" "Space at the end did not start the next step" key space
# The neuron's parameters moved by the update (w1: −3 − 0.1 · 1).
[ "$(dump "abs(d['values']['w1'] + 3.1) < 1e-12")" = "True" ] || fail "w1 did not learn"
press_until "d['cursor'] == 0" "Home" key Home
quit_with_ctrl_q
echo "PASS"

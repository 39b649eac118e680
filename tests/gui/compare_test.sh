#!/usr/bin/env bash
# View ▸ Compare optimizers…, then Train and compare: the job runs off the UI
# thread and the plot appears; comparing trains copies, so the session is
# neither modified nor trained. The window's screenshot is left in WORK_DIR.
# usage: compare_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
source "$(dirname "$0")/lib.sh"  # exe, scenario, work and state from the arguments
start "$scenario"
read -r x y < <(center menu_view)
click_at "$x" "$y"
wait_until "'menu_compare' in d['edit_rects']" "the View menu did not open"
read -r x y < <(center menu_compare)
click_at "$x" "$y"
wait_until "'compare_train' in d['edit_rects']" "the comparison window did not open"
read -r x y < <(center compare_train)
click_at "$x" "$y"
wait_until "'compare_plot' in d['edit_rects']" "the comparison did not finish"
xdotool mousemove --window "$win" 5 700; sleep 0.4
import -window root "$work/compare.png" 2>/dev/null || true
dump "d['modified'] == False and d['training_step'] == 0" | grep -qx True || fail "comparing changed the session"
echo PASS

#!/usr/bin/env bash
# File ▸ Import data (CSV)…: the path dialog, the preview, Import; the
# imported scenario is open, unsaved, and Undo brings the old one back. A bad
# file is the usual error box and changes nothing. Then File ▸ Open example ▸
# Real data ▸ Digits opens the real data set the build imported.
# usage: import_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
rm -rf "$3"  # a fresh work folder: the CSV files below
source "$(dirname "$0")/lib.sh"  # exe, scenario, work and state from the arguments

good="$work/points.csv" bad="$work/broken.csv"
{ echo "x1,x2,class"; for r in $(seq 0 19); do echo "$r,$((r % 4)),$((r % 2))"; done; } >"$good"
printf 'a,b\n1,2\n3,oops\n' >"$bad"

import_file() {  # import_file CSV: File ▸ Import data…, type the path, Return
  click menu_file
  click menu_import
  sleep 0.3
  xdotool type --delay 20 "$1"; sleep 0.2
  key Return
}

start "$scenario"
import_file "$good"
wait_until "'import_button' in d['edit_rects']" "the import preview did not open"
sleep 0.3
import -window root "$work/preview.png" 2>/dev/null || true
click import_button
wait_until "d['input_size'] == 2 and d['path'] == '' and d['scenario'].startswith('points')" "the import did not open"
dump "d['can_undo']" | grep -qx True || fail "the import is not undoable"
press_until "d['input_size'] == 3" "Undo did not bring back the scenario before the import" key ctrl+z

before=$(dump "(d['scenario'], d['path'], d['modified'], d['can_undo'], d['can_redo'] if 'can_redo' in d else None)")
import_file "$bad"
wait_until "':3: column \"b\": \"oops\" is not a number' in d['file_error']" "a bad file gave no error box"
[ "$(dump "(d['scenario'], d['path'], d['modified'], d['can_undo'], d['can_redo'] if 'can_redo' in d else None)")" = "$before" ] ||
  fail "a bad import changed the session"
key Escape

# The real data sets: Digits is first of the group (by name).
click menu_file
read -r x y < <(center menu_examples); xdotool mousemove --window "$win" "$x" "$y"; sleep 0.4
wait_until "'menu_examples_1' in d['edit_rects']" "File > Open example did not open"
read -r x y < <(center menu_examples_1); xdotool mousemove --window "$win" "$x" "$y"; sleep 0.4
wait_until "'example_1_0' in d['edit_rects']" "Open example > Real data is empty: run .ci/setup, then build again"
click example_1_0
# The undo above left the session modified: the unsaved-changes question first.
wait_until "d['asking_unsaved'] or d['scenario'].startswith('Digits')" "Open example > Real data > Digits did nothing"
[ "$(dump "d['asking_unsaved']")" = True ] && key d
wait_until "d['scenario'].startswith('Digits') and d['input_size'] == 64" "Open example > Real data > Digits did not open"
echo PASS

#!/usr/bin/env bash
# From the network's window to an expression's: File ▸ Open example ▸
# Expression graphs opens one (the network's window closes, the expression's
# opens and steps), and File ▸ New expression graph… opens the starter graph
# with its editor. Runs inside its own Xvfb (xvfb-run -a).
# usage: expression_menu_test.sh BACKPROP_VIZ SCENARIO WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# hover NAME: the mouse over a published menu item (a submenu opens on hover).
hover() { wait_until "'$1' in d['edit_rects']" "no '$1' on screen"; read -r x y < <(center "$1"); xdotool mousemove --window "$win" "$x" "$y"; sleep 0.4; }

# 1. Open example ▸ Expression graphs ▸ the first (by title).
start "$scenario"
[ "$(dump "'kind' in d")" = "False" ] || fail "the app did not start on the network"
# Menus follow the mouse frame by frame: on a loaded machine a move or a
# click can fall between frames, so the whole path is tried up to three times.
opened=
for _ in 1 2 3; do
  key Escape
  click menu_file
  hover menu_examples
  hover menu_examples_2
  wait_until "'example_2_0' in d['edit_rects']" "Open example > Expression graphs is empty"
  read -r x y < <(center example_2_0); xdotool mousemove --window "$win" "$x" "$y"; sleep 0.4
  xdotool mousedown 1; sleep 0.2; xdotool mouseup 1
  for _ in $(seq 50); do [ "$(dump "d.get('kind') == 'expression'" || true)" = "True" ] && opened=1 && break; sleep 0.1; done
  [ -n "$opened" ] && break
done
[ -n "$opened" ] || fail "the example did not open in the expression window"
# The expression's own window (by its title, never the network's closing one),
# focused again before each try.
name=$(dump "d['name']")
focused_space() {
  win=$(xdotool search --sync --name "^backprop-viz — $name" | head -n 1)
  xdotool windowfocus --sync "$win" || true
  xdotool mousemove --window "$win" 400 300
  key space
}
press_until "d['cursor'] == 1" "Space did not step the expression" focused_space
echo "opened $(dump "d['name']") from File > Open example and stepped it"
quit_with_ctrl_q

# 2. File ▸ New expression graph…: CS231n's circuit to start from, unsaved.
start "$scenario"
opened=
for _ in 1 2 3; do
  key Escape
  click menu_file
  click menu_new_expression
  for _ in $(seq 50); do [ "$(dump "d.get('kind') == 'expression'" || true)" = "True" ] && opened=1 && break; sleep 0.1; done
  [ -n "$opened" ] && break
done
[ -n "$opened" ] || fail "New expression graph… did not open one"
[ "$(dump "d['name']")" = "New expression" ] || fail "not the new expression"
[ "$(dump "d['values'] == {'x': -2.0, 'y': 5.0, 'z': -4.0}")" = "True" ] || fail "not the starter graph"
echo "File > New expression graph... opened the starter graph"
kill "$app"; wait "$app" 2>/dev/null || true; app=
echo "PASS"

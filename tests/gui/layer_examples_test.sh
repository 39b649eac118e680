#!/usr/bin/env bash
# The layers beyond dense in the window: File ▸ Open example ▸ Layers beyond
# dense opens each example (conv and pooling maps, batch norm, dropout); the
# keys step it into the backward pass and to the end, and the mouse sweeps the
# canvas (feature maps, kernels, statistics: every hover and its tooltip)
# without the app failing. Runs inside its own Xvfb (xvfb-run -a).
# usage: layer_examples_test.sh BACKPROP_VIZ SCENARIO WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"

hover() { wait_until "'$1' in d['edit_rects']" "no '$1' on screen"; read -r x y < <(center "$1"); xdotool mousemove --window "$win" "$x" "$y"; sleep 0.4; }

start "$scenario"
group=4  # Examples, Real data, Expression graphs, Expression lessons, Layers beyond dense
opened_paths=()
for k in 0 1 2 3 4 5 6; do
  before=$(dump "d['path']")
  opened=
  for _ in 1 2 3; do  # menus follow the mouse frame by frame: retry a missed move
    key Escape
    click menu_file
    hover menu_examples
    hover "menu_examples_$group"
    if [ "$(dump "'example_${group}_$k' in d['edit_rects']")" != "True" ]; then
      [ "$k" -ge 4 ] && break 2  # no digits_conv without the real data
      continue
    fi
    read -r x y < <(center "example_${group}_$k"); xdotool mousemove --window "$win" "$x" "$y"; sleep 0.4
    xdotool mousedown 1; sleep 0.2; xdotool mouseup 1
    for _ in $(seq 50); do [ "$(dump "d['path'] != '$before'")" = "True" ] && opened=1 && break; sleep 0.1; done
    [ -n "$opened" ] && break
  done
  [ -n "$opened" ] || fail "Layers beyond dense: example $k did not open"
  path=$(dump "d['path']")
  opened_paths+=("$(basename "$path")")
  xdotool mousemove --window "$win" 300 400
  press_until "d['cursor'] > 0" "Space did not step $path" key space
  # Into the backward pass: the timeline's middle op (each example's backward pass is there).
  read -r x y < <(dump "' '.join(str(int(v)) for v in (lambda r: (r[0] + r[2] / 2, r[1] + r[3] / 2))(d['timeline_rects'][len(d['timeline_rects']) // 2]))")
  click_at "$x" "$y"
  wait_until "d['cursor'] == len(d['timeline_rects']) // 2 + 1" "a click on the timeline did not jump in $path"
  # The mouse over the network area, where the maps, kernels and statistics are.
  sweep() { for y in $(seq 150 70 560); do for x in $(seq 20 45 600); do xdotool mousemove --window "$win" "$x" "$y"; done; done; }
  sweep
  key End
  wait_until "d['cursor'] == d['op_count']" "End did not run $path to the end"
  sweep
  kill -0 "$app" || fail "the app exited on $path"
done
[ "${#opened_paths[@]}" -ge 4 ] || fail "only ${#opened_paths[@]} layer examples opened"
echo "opened and stepped: ${opened_paths[*]}"
quit_with_ctrl_q
echo "PASS"

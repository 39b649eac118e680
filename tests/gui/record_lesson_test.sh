#!/usr/bin/env bash
# A teacher records a lesson in the app: Lesson tab ▸ Record a lesson…, a
# title, a beat at op 1 with its text and a neuron clicked to highlight it, a
# beat at op 11 whose question is the value of a clicked neuron; Save through
# the path dialog; then the lesson file opened again from the Lesson tab,
# played (Next, the question answered with the engine's value), and reopened
# in the recorder to edit. Every check reads the app's --dump-state or the
# saved file.
# usage: record_lesson_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
source "$(dirname "$0")/lib.sh"  # exe, scenario, work and state from the arguments
lesson="$work/two_beats.json"
rm -f "$lesson"
op_cell() { dump "' '.join(str(int(v)) for v in (d['timeline_rects'][$1][0] + d['timeline_rects'][$1][2] / 2, d['timeline_rects'][$1][1] + d['timeline_rects'][$1][3] / 2))"; }
jump_after_op() { read -r x y < <(op_cell $(($1 - 1))); click_at "$x" "$y"; wait_until "d['cursor'] == $1" "the timeline did not jump to op $1"; }
select_all_and_type() { xdotool keydown Control_L; sleep 0.05; key a; xdotool keyup Control_L; sleep 0.1; xdotool type --delay 40 "$1"; sleep 0.2; }
at_beat() { wait_until "d['lesson']['beat'] == $1 and d['lesson']['entered'] and d['cursor'] == d['lesson']['cursor'] and not d['training']" "beat $1 was not entered"; }
rec() { dump "d['recorder']$1"; }

start "$scenario"
click tab_lesson
click recorder_new
wait_until "d['recorder']['on'] and d['recorder']['beats'] == 0" "Record a lesson… did not open the recorder"
click recorder_title
select_all_and_type "Two beats"
key Return
wait_until "d['recorder']['title'] == 'Two beats'" "the title was not taken"

# Beat 1, just after op 1: its text, then a click on h1₁ highlights it.
jump_after_op 1
click recorder_add
wait_until "d['recorder']['beats'] == 1 and d['recorder']['pick'] == 1" "Add a beat here did not add a beat ready for highlights"
click recorder_text
xdotool type --delay 40 "The first matrix product."; sleep 0.2
click neuron_1_0
wait_until "d['recorder']['highlighted'] == 1 and d['recorder']['text'] == 'The first matrix product.'" \
  "the click on h1_1 did not highlight it (or the text was lost)"
wait_until "d['lesson']['highlighted'] == 1 and d['lesson']['highlights_shown']" "the highlight is not drawn"

# Beat 2, just after op 11 (∂L/∂b³): a question whose answer is a clicked neuron's value.
jump_after_op 11
click recorder_add
wait_until "d['recorder']['beats'] == 2" "the second beat was not added"
click recorder_text
xdotool type --delay 40 "Now the bias gradient."; sleep 0.2
click recorder_pick_answer
wait_until "d['recorder']['pick'] == 2" "'is the answer' was not chosen"
click neuron_3_1
wait_until "d['recorder']['question'] != ''" "the click on o_2 did not make a question"
echo "asked for: $(rec "['question']")"
wait_until "d['recorder']['problem'] == ''" "the draft is not a lesson yet: $(rec "['problem']")"

# Save through the path dialog, to a full path.
click recorder_save
sleep 0.4
select_all_and_type "$lesson"
key Return
wait_until "d['recorder']['path'] == '$lesson'" "Save did not write $lesson"
[ -f "$lesson" ] || fail "no file at $lesson"
python3 - "$lesson" <<'PY' || fail "the saved lesson is not what was recorded"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["title"] == "Two beats", d["title"]
b = d["beats"]
assert len(b) == 2, len(b)
assert b[0]["text"] == "The first matrix product." and b[0]["at"]["index"] == 0, b[0]
assert b[0]["highlight"]["neurons"] == [[1, 0]], b[0]
assert b[1]["at"]["index"] == 10 and b[1]["question"]["answer"]["layer"] == 3, b[1]
assert b[1]["question"]["answer"]["index"] == 1, b[1]
PY
echo "ok: saved $(python3 -c "import json; print(len(json.load(open('$lesson'))['beats']))" ) beats"
click recorder_close
wait_until "not d['recorder']['on'] and not d['lesson']['open']" "Close did not leave the recorder"

# A lesson may hide parts of the app from the class; F9 shows them again.
python3 - "$lesson" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["hide"] = ["edit", "training"]
json.dump(d, open(sys.argv[1], "w"))
PY

# Open it again as any lesson file, and play it.
click lesson_open_file
sleep 0.4
xdotool type --delay 20 "$lesson"; sleep 0.1
key Return
wait_until "d['lesson']['open'] and d['lesson']['title'] == 'Two beats' and d['lesson']['beats'] == 2" "the saved lesson did not open"
at_beat 0
wait_until "d['lesson']['hides'] == ['edit', 'training'] and 'tab_edit' not in d['edit_rects'] and 'tab_matrices' in d['edit_rects']" \
  "the lesson did not hide the Edit tab"
xdotool mousemove --window "$win" 400 300; sleep 0.2
press_until "d['lesson']['unlocked'] and 'tab_edit' in d['edit_rects']" "F9 did not show the hidden parts" key F9
press_until "not d['lesson']['unlocked'] and 'tab_edit' not in d['edit_rects']" "F9 again did not hide them" key F9
echo "ok: the lesson hides the Edit tab and F9 toggles it"
click lesson_next
at_beat 1
value=$(dump "repr(d['lesson']['answer_value'])")
click lesson_answer
xdotool type --delay 60 "99999"; sleep 0.2
key Return
wait_until "d['lesson']['answer_right'] is False" "99999 was not judged wrong"
sleep 0.5
value=$(dump "repr(d['lesson']['answer_value'])")
click lesson_answer
select_all_and_type "$value"
key Return
wait_until "d['lesson']['answer_right'] is True" "the engine's own value $value was not judged right"
import -window root "$work/played.png" 2>/dev/null || true

# And back into the recorder to edit it.
click lesson_edit
wait_until "d['recorder']['on'] and d['recorder']['beats'] == 2 and d['recorder']['path'] == '$lesson'" "Edit this lesson did not open it in the recorder"
import -window root "$work/recorder.png" 2>/dev/null || true
echo "PASS"

#!/usr/bin/env bash
# A lesson as a student meets it: the Lesson tab, the first lesson from the
# picker, Next (a click) and PageDown (a clicker's key), a question answered
# wrong and then right, a free step away from the beat and "Back to this
# beat", presenter mode on and off (F5, Escape). Every check reads the app's
# --dump-state. Screenshots of the lesson and of presenter mode are left in
# WORK_DIR for a person to look at.
# usage: lesson_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
source "$(dirname "$0")/lib.sh"  # exe, scenario, work and state from the arguments
# The beat is entered: the plan carried out and the session's cursor where the beat wants it.
at_beat() { wait_until "d['lesson']['beat'] == $1 and d['lesson']['entered'] and d['cursor'] == d['lesson']['cursor'] and not d['training']" "beat $1 was not entered"; }
type_answer() {
  click lesson_answer
  xdotool keydown Control_L; sleep 0.05; key a; xdotool keyup Control_L; sleep 0.1
  xdotool type --delay 60 "$1"; sleep 0.2
  key Return
}

start "$scenario"
click tab_lesson
click lesson_pick_0
wait_until "d['lesson']['open'] and d['lesson']['beats'] >= 4" "picking the first lesson did not open it"
at_beat 0
echo "opened: $(dump "d['lesson']['title']")"

click lesson_next
at_beat 1
dump "d['lesson']['highlighted'] > 0" | grep -qx True || fail "beat 2 highlights nothing"

# Its question: a wrong answer first, then the engine's own value (shown after checking).
type_answer 99
wait_until "d['lesson']['answer_right'] is False" "99 was not judged wrong"
sleep 0.5  # the feedback line moves the question up a line on the next frame: click where it is then
value=$(dump "repr(d['lesson']['answer_value'])")
echo "the engine's answer: $value"
type_answer "$value"
wait_until "d['lesson']['answer_right'] is True" "the engine's own value $value was not judged right"
import -window root "$work/lesson.png" 2>/dev/null || true

# PageDown: the next beat, as a presentation clicker sends it.
xdotool mousemove --window "$win" 400 300; sleep 0.2
key Next
at_beat 2
beat_cursor=$(dump "d['cursor']")

# Explore away from the beat, then come back.
key space
wait_until "d['cursor'] == $beat_cursor + 1" "Space did not step away from the beat"
wait_until "not d['lesson']['highlights_shown']" "the beat's highlights stayed after stepping away from it"
click lesson_back
at_beat 2
wait_until "d['lesson']['highlights_shown']" "back at the beat, its highlights did not return"

# Presenter mode: F5 on, a picture, Escape off.
key F5
wait_until "d['lesson']['presenter']" "F5 did not turn presenter mode on"
sleep 0.5
import -window root "$work/presenter.png" 2>/dev/null || true
key Escape
wait_until "not d['lesson']['presenter']" "Escape did not leave presenter mode"
echo "PASS"

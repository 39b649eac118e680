#!/usr/bin/env bash
# Predict-then-reveal, as a student uses it: Q turns predict on; Space asks for
# the value the next op writes instead of running it; typing the engine's value
# (read from the state dump) and Return scores a right answer and runs the op;
# a wrong number scores a wrong one and still runs it. The score is checked in
# the dump; screenshots of a question and of a reveal are left in WORK_DIR.
# usage: predict_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
source "$(dirname "$0")/lib.sh"  # exe, scenario, work and state from the arguments

start "$scenario"
wait_until "d['cursor'] == 0 and not d['predict']['on']" "the app did not start at op 0 with predict off"

key q
wait_until "d['predict']['on']" "Q did not turn predict on"

# 1. Space asks, and does not step.
key space
wait_until "d['predict']['asking'] and d['predict']['typing']" "Space did not ask a question with the guess field focused"
[ "$(dump "d['cursor']")" = 0 ] || fail "the op ran before the question was answered"
import -window root "$work/question.png" 2>/dev/null || true
answer=$(dump "repr(d['predict']['answer'])")
echo "asked for $(dump "d['predict']['symbol']"); the engine's value is $answer"
xdotool type --delay 40 "$answer"; sleep 0.2
key Return
wait_until "d['cursor'] == 1 and d['predict']['asked'] == 1 and d['predict']['right'] == 1" \
  "typing the engine's value did not score 1 right of 1 and run the op"
wait_until "d['predict']['revealed']" "the answer was not revealed"
import -window root "$work/reveal_right.png" 2>/dev/null || true

# 2. A wrong number: scored wrong, the op still runs.
key space
wait_until "d['predict']['asking'] and d['predict']['typing']" "Space did not ask the second question"
wrong=$(dump "repr(d['predict']['answer'] + 1.0 + abs(d['predict']['answer']))")
xdotool type --delay 40 "$wrong"; sleep 0.2
key Return
wait_until "d['cursor'] == 2 and d['predict']['asked'] == 2 and d['predict']['right'] == 1" \
  "a wrong guess did not score 1 right of 2 and run the op"
import -window root "$work/reveal_wrong.png" 2>/dev/null || true

# 3. Q again: predict off, Space steps at once.
key q
wait_until "not d['predict']['on']" "Q did not turn predict off"
key space
wait_until "d['cursor'] == 3 and not d['predict']['asking']" "with predict off, Space did not simply step"
echo "PASS"

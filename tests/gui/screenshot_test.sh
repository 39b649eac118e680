#!/usr/bin/env bash
# The screenshot command draws the seed at a forward, a backward and an update
# op: each PNG must exist, have the asked size, and not be blank (many
# colours, real contrast). Runs inside its own Xvfb (xvfb-run -a).
# usage: screenshot_test.sh BACKPROP_VIZ SCENARIO OUT_DIR
set -euo pipefail
exe=$1 scenario=$2 out=$3
mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }
for step in 3 12 22; do
  png="$out/seed_step_$step.png"
  rm -f "$png"
  "$exe" screenshot "$scenario" -o "$png" --step "$step" --size 1280x800 || fail "screenshot --step $step exited $?"
  [ -s "$png" ] || fail "$png was not written"
  size=$(identify -format '%wx%h' "$png")
  [ "$size" = "1280x800" ] || fail "$png is $size, expected 1280x800"
  colours=$(convert "$png" -format '%k' info:)
  [ "$colours" -ge 200 ] || fail "$png has only $colours colours: blank?"
  spread=$(convert "$png" -colorspace Gray -format '%[fx:int(1000*standard_deviation)]' info:)
  [ "$spread" -ge 50 ] || fail "$png has almost no contrast ($spread/1000): blank?"
  echo "ok: step $step, $size, $colours colours, contrast $spread/1000"
done
# Different ops give different pictures.
a=$(md5sum < "$out/seed_step_3.png") b=$(md5sum < "$out/seed_step_12.png")
[ "$a" != "$b" ] || fail "the forward and backward screenshots are identical"
# --frames prints the timing line last.
line=$("$exe" screenshot "$scenario" -o "$out/timed.png" --frames 5 | tail -n 1)
[[ "$line" =~ ^frames:\ 5,\ ms_per_frame_median:\ [0-9.]+,\ build_ms_median:\ [0-9.]+$ ]] || fail "timing line: '$line'"
echo "ok: $line"
# A bad scenario: exit 2, one error line, no PNG.
bad="$out/bad.json"; echo '{"input_size": 3' > "$bad"
set +e; "$exe" screenshot "$bad" -o "$out/bad.png" 2> "$out/bad.err"; rc=$?; set -e
[ "$rc" = 2 ] || fail "bad scenario: exit $rc, expected 2"
[ ! -e "$out/bad.png" ] || fail "bad scenario still wrote a PNG"
grep -q '^error: .*bad.json' "$out/bad.err" || fail "bad scenario: stderr was '$(cat "$out/bad.err")'"
echo "PASS"

#!/usr/bin/env bash
# Expression graphs in the window: every example drawn at a forward, a
# backward and (where it learns) an update op, at 1024x768, light and
# presenter; each PNG has the asked size and is not blank, different ops give
# different pictures, and no text is cut at any op (--check-layout).
# usage: expression_test.sh BACKPROP_VIZ EXPRESSIONS_DIR OUT_DIR
set -euo pipefail
exe=$1 dir=$2 out=$3
mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }
check_png() {  # check_png FILE SIZE
  [ -s "$1" ] || fail "$1 was not written"
  size=$(identify -format '%wx%h' "$1")
  [ "$size" = "$2" ] || fail "$1 is $size, expected $2"
  colours=$(convert "$1" -format '%k' info:)
  [ "$colours" -ge 100 ] || fail "$1 has only $colours colours: blank?"
}
for f in "$dir"/*.json; do
  name=$(basename "$f" .json)
  for step in 2 7; do
    "$exe" screenshot "$f" -o "$out/${name}_$step.png" --step "$step" --size 1024x768 || fail "$name --step $step"
    check_png "$out/${name}_$step.png" 1024x768
  done
  "$exe" screenshot "$f" -o "$out/${name}_presenter.png" --step 7 --size 1024x768 --presenter --light ||
    fail "$name presenter"
  check_png "$out/${name}_presenter.png" 1024x768
  a=$(md5sum < "$out/${name}_2.png") b=$(md5sum < "$out/${name}_7.png")
  [ "$a" != "$b" ] || fail "$name: op 2 and op 7 look the same"
  "$exe" screenshot "$f" -o "$out/${name}_layout.png" --size 1024x768 --check-layout > "$out/${name}_layout.txt" ||
    { cat "$out/${name}_layout.txt"; fail "$name: text cut (see above)"; }
  echo "ok: $name"
done
# The lessons on expressions: every beat, at 1024x768 and in presenter mode, nothing cut.
for f in "$dir"/lessons/*.json; do
  name=$(basename "$f" .json)
  for look in "" --presenter; do
    "$exe" screenshot "$f" -o "$out/lesson_${name}.png" --size 1024x768 --check-layout $look > "$out/lesson_${name}.txt" ||
      { cat "$out/lesson_${name}.txt"; fail "lesson $name $look: text cut (see above)"; }
  done
  "$exe" screenshot "$f" -o "$out/lesson_${name}_2.png" --size 1024x768 --beat 1
  check_png "$out/lesson_${name}_2.png" 1024x768
  echo "ok: lesson $name"
done
# The lesson recorder's section, open with a beat recorded and a question
# being asked: nothing cut at any op.
"$exe" screenshot "$dir/micrograd_neuron.json" -o "$out/recorder.png" --size 1024x768 --record --check-layout > "$out/recorder.txt" ||
  { cat "$out/recorder.txt"; fail "the recorder: text cut (see above)"; }
echo "ok: recorder"
# The timing line, as for a network.
line=$("$exe" screenshot "$dir/micrograd_neuron.json" -o "$out/timed.png" --frames 5 | tail -n 1)
[[ "$line" =~ ^frames:\ 5,\ ms_per_frame_median:\ [0-9.]+,\ build_ms_median:\ [0-9.]+$ ]] || fail "timing line: '$line'"
echo "PASS"

#!/usr/bin/env bash
# What a class sees through a projector, checked op by op: every shipped
# scenario at 1024×768, 1280×800 and 1920×1080, every lesson beat in presenter
# mode and in the Lesson tab, the Data tab of the data set scenarios, both themes, and the seed at 4K with the text at
# twice its size. `screenshot --check-layout` steps through every op (or beat)
# and fails on a cut equation, overlapping canvas labels, a label on a neuron
# not its own, a label cut by the canvas' edge, a lesson control out of view,
# any window that cuts its text (wider than it shows, no scrollbar to reach it),
# or a canvas label that prints the answer of the beat's open question.
# The layer examples (conv, pooling, batch norm, dropout) at 1024×768 and in
# presenter mode, most at 1920×1080, some in the light theme; the confusion
# matrix window; the lessons on the real data.
# usage: layout_check.sh BACKPROP_VIZ ASSETS_DIR WORK_DIR [DIGITS_CONV]   (inside xvfb-run -a)
set -uo pipefail
exe=$1 assets=$2 work=$3 digits_conv=${4:-}
mkdir -p "$work"
failed=0
check() {  # check LABEL ARGS…
  local label=$1; shift
  if ! out=$("$exe" screenshot "$@" -o "$work/last.png" --check-layout 2>&1); then
    echo "FAIL $label:"; echo "$out" | head -n 12
    failed=$((failed + 1))
  fi
}
for size in 1024x768 1280x800 1920x1080; do
  for s in "$assets"/scenarios/*.json; do
    check "$(basename "$s") $size" "$s" --size "$size"
  done
  for s in circle.json spiral_features.json overfit.json seed.json; do  # the Data tab, with and without a data set
    check "$s $size data tab" "$assets/scenarios/$s" --size "$size" --tab data
  done
  for l in "$assets"/lessons/*.json; do
    check "$(basename "$l") $size presenter" "$assets/scenarios/seed.json" --lesson "$l" --size "$size" --presenter
    check "$(basename "$l") $size lesson tab" "$assets/scenarios/seed.json" --lesson "$l" --size "$size"
  done
done
for l in "$assets"/lessons/*.json; do
  check "$(basename "$l") 1024x768 light presenter" "$assets/scenarios/seed.json" --lesson "$l" --size 1024x768 --light --presenter
done
for s in seed.json xor.json seed_adam.json; do
  check "$s 1024x768 light" "$assets/scenarios/$s" --size 1024x768 --light
done
check "seed 1280x720 light presenter" "$assets/scenarios/seed.json" --lesson "$assets/lessons/1_seed_walkthrough.json" \
  --size 1280x720 --light --presenter
for l in "$assets"/lessons/2_*.json "$assets"/lessons/3_*.json; do  # the recorder, on a projector
  check "$(basename "$l") 1024x768 recorder" "$assets/scenarios/seed.json" --lesson "$l" --size 1024x768 --record
done
for s in seed.json circle.json; do  # presenter mode before a lesson is picked: the lesson list
  check "$s 1024x768 presenter, no lesson" "$assets/scenarios/$s" --size 1024x768 --presenter
  check "$s 1024x768 light presenter, no lesson" "$assets/scenarios/$s" --size 1024x768 --light --presenter
done
for size in 1024x768 1920x1080; do  # the Compare optimizers window over the main one
  check "seed $size compare" "$assets/scenarios/seed.json" --size "$size" --compare
done
layer_examples=("$assets"/layer_examples/*.json)
[ -n "$digits_conv" ] && layer_examples+=("$digits_conv")
for s in "${layer_examples[@]}"; do
  check "$(basename "$s") 1024x768" "$s" --size 1024x768
done
for s in "$assets"/layer_examples/{mnist_shaped_conv,overfit_dropout,spiral_batch_norm}.json "$digits_conv"; do
  [ -n "$s" ] && check "$(basename "$s") 1920x1080" "$s" --size 1920x1080
done
for s in "${layer_examples[@]}"; do
  check "$(basename "$s") 1024x768 presenter" "$s" --size 1024x768 --presenter
done
for s in "$assets"/layer_examples/mnist_shaped_conv.json "$assets"/layer_examples/overfit_dropout.json; do
  check "$(basename "$s") 1024x768 light" "$s" --size 1024x768 --light
done
[ -n "$digits_conv" ] && check "digits_conv 1024x768 light" "$digits_conv" --size 1024x768 --light
[ -n "$digits_conv" ] && check "digits_conv 1024x768 confusion matrix" "$digits_conv" --size 1024x768 --confusion
# The lessons on the real data, which the build copies beside digits_conv.
if [ -n "$digits_conv" ]; then
  for l in "$(dirname "$(dirname "$digits_conv")")"/lessons/*.json; do
    [ -f "$l" ] || continue
    check "$(basename "$l") 1024x768 presenter" "$assets/scenarios/seed.json" --lesson "$l" --size 1024x768 --presenter
    check "$(basename "$l") 1024x768 lesson tab" "$assets/scenarios/seed.json" --lesson "$l" --size 1024x768
    check "$(basename "$l") 1024x768 light presenter" "$assets/scenarios/seed.json" --lesson "$l" --size 1024x768 --light --presenter
    check "$(basename "$l") 1920x1080 lesson tab" "$assets/scenarios/seed.json" --lesson "$l" --size 1920x1080
  done
fi
check "spiral.json 1024x768 confusion matrix (2-d inputs)" "$assets/scenarios/spiral.json" --size 1024x768 --confusion
check "seed 1366x768" "$assets/scenarios/seed.json" --size 1366x768
check "seed 3840x2160 text 2x" "$assets/scenarios/seed.json" --size 3840x2160 --text-scale 2
echo "layout checks failed: $failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# The Debian package, made by cpack from the already-built release tree:
# extracted into a temporary root (dpkg -x, nothing installed on this
# machine), its program runs from there on the files it ships; its desktop
# entry, metainfo and the package itself pass their validators; the manual
# page and bash completion know every command and option `--help` lists.
# Usage: package_test.sh BUILD_DIR SOURCE_DIR VERSION WORK_DIR
set -euo pipefail
build=$1 source=$2 version=$3 work=$4
id=example.backprop_viz.BackpropViz

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
started=$SECONDS
stage() { echo "== [$((SECONDS - started)) s] $*"; }

for tool in cpack dpkg-deb lintian desktop-file-validate appstreamcli identify convert xvfb-run; do
  command -v "$tool" >/dev/null || fail "$tool is missing: bash .ci/setup installs it"
done
rm -rf "$work"
mkdir -p "$work"

stage "cpack"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$work/out/backprop-viz_${version}_amd64.deb
[[ -f $deb ]] || { ls -l "$work/out"; fail "cpack made no $deb"; }

stage "control fields"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
# Each from dpkg-shlibdeps except the font, which the program opens by path.
for dep in libc6 libstdc++6 libglfw3 libstb0 fonts-dejavu-core; do
  [[ $depends == *"$dep"* ]] || fail "Depends lacks $dep (dpkg-shlibdeps did not run?)"
done
[[ $(dpkg-deb -f "$deb" Version) == "$version" ]] || fail "the package's version is not $version"

stage "dpkg -x"
root=$work/root
dpkg -x "$deb" "$root"
exe=$root/usr/bin/backprop-viz

# A tree configured for any amd64 machine (the `package` preset) must hold no
# instruction past baseline x86-64's SSE2: an AVX register in the program
# would stop it with SIGILL on an older CPU.
if grep -q '^BPV_NATIVE:BOOL=OFF' "$build/CMakeCache.txt"; then
  stage "baseline x86-64"
  avx=$(objdump -d --no-show-raw-insn "$exe" | grep -cE '%[yz]mm[0-9]' || true)
  [[ $avx == 0 ]] || fail "the portable package's program uses AVX registers ($avx instructions)"
  echo "no AVX instruction in $(basename "$exe")"
fi
share=$root/usr/share/backprop-viz
for f in usr/bin/backprop-viz usr/share/backprop-viz/scenarios/seed.json \
  usr/share/backprop-viz/lessons/1_seed_walkthrough.json \
  usr/share/backprop-viz/lessons/errata/published-values.json \
  "usr/share/applications/$id.desktop" "usr/share/metainfo/$id.metainfo.xml" \
  usr/share/icons/hicolor/scalable/apps/backprop-viz.svg \
  usr/share/icons/hicolor/48x48/apps/backprop-viz.png \
  usr/share/icons/hicolor/256x256/apps/backprop-viz.png \
  usr/share/man/man1/backprop-viz.1.gz usr/share/bash-completion/completions/backprop-viz \
  usr/share/doc/backprop-viz/copyright usr/share/doc/backprop-viz/changelog.gz; do
  [[ -f $root/$f ]] || fail "the package lacks /$f"
done
[[ $(identify -format '%wx%h' "$root/usr/share/icons/hicolor/48x48/apps/backprop-viz.png") == 48x48 ]] ||
  fail "the 48x48 icon is not 48x48"

stage "the extracted program"
[[ $("$exe" --version) == "backprop-viz $version" ]] || fail "--version: got '$("$exe" --version)'"
[[ $("$exe" trace --version) == "backprop-viz $version" ]] || fail "trace --version: got '$("$exe" trace --version)'"
"$exe" trace "$share/scenarios/seed.json" --json >"$work/trace.json"
python3 -c 'import json, sys; t = json.load(open(sys.argv[1])); assert t["steps"] and t["loss"] > 0' "$work/trace.json" ||
  fail "trace --json of the shipped seed is not a trace"
# The packaged (stripped) program computes exactly what the build tree's does.
"$build/backprop-viz" trace "$source/assets/scenarios/seed.json" --json | cmp -s - "$work/trace.json" ||
  fail "the packaged trace of seed.json differs from the build tree's"
"$exe" export "$share/scenarios/seed.json" -o "$work/seed.md"
grep -q "∂L/∂" "$work/seed.md" || fail "export wrote no gradients"
"$exe" errata >"$work/errata.txt" || fail "errata with the shipped published values failed"
xvfb-run -a -s "-screen 0 1280x1024x24" "$exe" screenshot "$share/scenarios/seed.json" \
  -o "$work/shot.png" --size 1024x768 --step 12
[[ -s $work/shot.png ]] || fail "screenshot wrote no PNG"
[[ $(identify -format '%wx%h' "$work/shot.png") == 1024x768 ]] || fail "the screenshot is not 1024x768"
spread=$(convert "$work/shot.png" -colorspace Gray -format '%[fx:standard_deviation]' info:)
python3 -c "import sys; sys.exit(0 if float('$spread') > 0.02 else 1)" ||
  fail "the screenshot is blank (grey standard deviation $spread)"

stage "every command has --help, the man page and completion know it"
top_help=$("$exe" --help)
commands=$(sed -n '/^Subcommands:/,/^$/p' <<<"$top_help" | awk 'NR > 1 && NF {print $1}')
[[ -n $commands ]] || fail "--help lists no commands"
man_text=$(zcat "$root/usr/share/man/man1/backprop-viz.1.gz")
completion=$root/usr/share/bash-completion/completions/backprop-viz
# The completion's `case "$command"` branch that lists COMMAND's options.
options_of() {
  sed -n '/local options/,$p' "$completion" | awk -v c="$1" '$0 ~ "^ *" c "\\)" {on = 1} on {print} on && /;;/ {exit}'
}
for c in $commands; do
  help=$("$exe" "$c" --help) || fail "$c --help failed"
  # CLI11 puts the command's description first, before its usage line.
  [[ $(head -n 1 <<<"$help") =~ ^[[:alnum:]].*[a-z]{3}.*[a-z]{3} && $(head -n 1 <<<"$help") != Usage* ]] || fail "$c --help has no description"
  grep -A1 '^\.TP' <<<"$man_text" | grep -E "^\.B[IR]* \"?$c\b" >/dev/null || fail "the man page does not describe $c"
  options=$(options_of "$c")
  [[ -n $options ]] || fail "the bash completion does not complete $c's options"
  for option in $(grep -oE '^ +(-[a-zA-Z],)?--?[a-z][a-z-]*' <<<"$help" | sed 's/.*,//; s/ //g'); do
    [[ $option == -h ]] && continue
    tr -s ' "\n' '\n' <<<"$options" | grep -x -- "$option" >/dev/null || fail "the bash completion does not offer $c $option"
  done
done
# Completing for real, as bash does on Tab. (No grep -q after a pipe here: it
# exits at the first match, and under pipefail the writer's SIGPIPE fails the test.)
complete_words() {
  bash -c 'source /usr/share/bash-completion/bash_completion && source "$1" && shift &&
    COMP_WORDS=("$@") && COMP_CWORD=$(($# - 1)) && COMP_LINE="$*" && COMP_POINT=${#COMP_LINE} &&
    _backprop_viz && printf "%s\n" "${COMPREPLY[@]}"' complete "$completion" "$@"
}
complete_words backprop-viz scr | grep -x screenshot >/dev/null || fail "completion: backprop-viz scr<Tab> is not screenshot"
[[ $(complete_words backprop-viz screenshot seed.json --ta | sort | tr '\n' ' ') == "--tab " ]] ||
  fail "completion: screenshot --ta<Tab> is not --tab"
complete_words backprop-viz screenshot seed.json --tab "" | grep -x insight >/dev/null ||
  fail "completion: screenshot --tab <Tab> does not offer insight"

stage "desktop entry, metainfo"
desktop-file-validate "$root/usr/share/applications/$id.desktop" || fail "desktop-file-validate"
appstreamcli validate --no-net "$root/usr/share/metainfo/$id.metainfo.xml" || fail "appstreamcli validate"

stage "lintian"
lintian_status=0
lintian --tag-display-limit 0 "$deb" >"$work/lintian.txt" 2>&1 || lintian_status=$?
cat "$work/lintian.txt"
grep -q '^E: ' "$work/lintian.txt" && fail "lintian reports errors"
((lintian_status == 0)) || fail "lintian exited $lintian_status"

stage "the extracted program reads its own copy, not the source tree"
# Without the shipped published values, errata must fail, although the
# source tree's copy is still there: the program did not fall back to it.
rm "$share/lessons/errata/published-values.json"
if "$exe" errata >/dev/null 2>&1; then fail "errata ran without the extracted published values"; fi

stage "done"

#!/usr/bin/env bash
# Files through the real window, with the keys a user presses: Ctrl+S saves,
# Ctrl+Q quits and keeps the session, a start without a scenario restores it
# (file and op), Ctrl+O opens through the path dialog, quitting over unsaved
# changes (Ctrl+Q or the close button) asks (Esc cancels, D discards), and a
# corrupt session file is ignored with a notice. The session lives in
# BPV_CONFIG_DIR under WORK_DIR, never in the user's own config folder.
# usage: session_test.sh BACKPROP_VIZ SCENARIO WORK_DIR   (inside xvfb-run -a)
set -euo pipefail
exe=$1 scenario=$2 work=$3
rm -rf "$work"; mkdir -p "$work"
work=$(cd "$work" && pwd)
export BPV_CONFIG_DIR="$work/config"
session="$BPV_CONFIG_DIR/session.json"
state="$work/state.json"
net="$work/net.json" other="$work/other.json"
cp "$scenario" "$net"; cp "$scenario" "$other"
source "$(dirname "$0")/lib.sh"

wait_exit() {  # the app quits within 30 s (a loaded CI machine), with exit code 0
  for _ in $(seq 300); do
    if ! kill -0 "$app" 2>/dev/null; then
      wait "$app" || fail "the app exited with $?"
      app=; return 0
    fi
    sleep 0.1
  done
  fail "the app did not quit"
}
# The window manager's close button: WM_DELETE_WINDOW, sent with plain Xlib
# (Xvfb runs no window manager to send it for us).
close_button() {
  python3 - "$win" <<'PY'
import ctypes, sys
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
x.XFlush.argtypes = x.XCloseDisplay.argtypes = [ctypes.c_void_p]
class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]
class Event(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]
dpy = x.XOpenDisplay(None)
ev = Event()
ev.xclient.type = 33  # ClientMessage
ev.xclient.window = int(sys.argv[1])
ev.xclient.message_type = x.XInternAtom(dpy, b"WM_PROTOCOLS", 0)
ev.xclient.format = 32
ev.xclient.data[0] = x.XInternAtom(dpy, b"WM_DELETE_WINDOW", 0)
x.XSendEvent(dpy, int(sys.argv[1]), 0, 0, ctypes.byref(ev))
x.XFlush(dpy)
x.XCloseDisplay(dpy)
PY
}
# ImGui 1.86 has no input queue: a key must stay down across a frame.
ctrl() { xdotool keydown Control_L; sleep 0.05; key "$1"; xdotool keyup Control_L; sleep 0.1; }

# 1. A file from the command line: two ops, Ctrl+S, Ctrl+Q.
start "$net"
wait_until "d['path'] == '$net' and not d['modified']" "the file did not open"
wait_until "'net.json' in d['title'] and '•' not in d['title']" "the title does not name the file"
key space; key space
wait_until "d['cursor'] == 2" "the step keys did not move the cursor"
before=$(md5sum < "$net")
ctrl s
wait_until "d['status'].startswith('saved')" "Ctrl+S did not save"
[ "$(md5sum < "$net")" != "$before" ] || fail "Ctrl+S did not rewrite $net"
py "$net" "d['layers'][0]['weights']" > /dev/null || fail "the saved file is not a scenario"
ctrl q
wait_exit
[ -f "$session" ] || fail "quitting wrote no session file"
[ "$(py "$session" "d['path'] == '$net' and d['cursor'] == 2 and d['recent'][0] == '$net'")" = True ] ||
  fail "the session file does not hold the file, the op and the recent list: $(cat "$session")"
echo "ok: Ctrl+S saved, Ctrl+Q kept the session"

# 2. No scenario argument: the last session comes back, at the same op.
start
wait_until "d['path'] == '$net' and d['cursor'] == 2" "the last session was not restored"
echo "ok: restored $net at op 2"

# 3. Ctrl+O through the path dialog; then unsaved changes (undoing the open
#    counts as an edit): Ctrl+Q asks and Esc cancels; the close button asks
#    and D discards.
ctrl o
wait_until "d['path_dialog_open']" "Ctrl+O did not open the path dialog"
sleep 0.2  # the field takes the keyboard focus the frame after it appears
xdotool type --delay 20 "$other"; sleep 0.1
key Return
wait_until "d['path'] == '$other' and d['recent'][:2] == ['$other', '$net']" "Ctrl+O did not open $other"
ctrl z
wait_until "d['modified'] and d['title'].endswith('•')" "undoing the open left nothing unsaved"
press_until "d['asking_unsaved']" "quitting over unsaved changes did not ask" ctrl q
key Escape
wait_until "not d['asking_unsaved']" "Esc did not cancel the question"
kill -0 "$app" 2>/dev/null || fail "Cancel quit anyway"
close_button
wait_until "d['asking_unsaved']" "the window's close button did not ask"
key d
wait_exit
[ "$(py "$session" "d['scenario'] is None and d['path'] in ('$other', '$net')")" = True ] ||
  fail "after Discard the session should keep only the file: $(head -c 300 "$session")"
echo "ok: the unsaved-changes question cancels and discards"

# 4. A corrupt session file: ignored with a notice, the seed opens, no crash.
printf '{"format": "backprop-viz session", "cursor": ' > "$session"
start
wait_until "'last session not restored' in d['status'] and d['path'] == ''" "a corrupt session file was not reported"
ctrl q
wait_exit
py "$session" "d['format']" > /dev/null || fail "quitting did not write a good session file again"
echo "ok: a corrupt session file is ignored with a notice"
echo "PASS"

#!/usr/bin/python3
"""The web page in a real browser: Debian's headless Chromium (WebGL 2 through
SwiftShader), driven over WebDriver (chromedriver; plain HTTP, so python3's
urllib is the whole client).

  browser_test.py PAGE.html NATIVE_BACKPROP_VIZ [--screenshot OUT.png] [--browser chromium|firefox]

Firefox (Debian's firefox-esr) is driven over its own Marionette protocol, as
Debian ships no geckodriver; it needs a display (run it inside xvfb-run -a),
where it gets WebGL 2 from Mesa's llvmpipe.

Checks, each one failing the test with the reason:
  1. the page opens from disk (file://) on the seed, and its first frame is drawn;
  2. Space (a real key press) runs the next op;
  3. a screenshot of the page is not blank;
  4. the page's trace of the seed equals `backprop-viz trace seed.json --json`
     (parsed JSON, so every number at full precision);
  5. training runs in slices: the page answers while it trains, and the
     progress moves;
  6. Ctrl+S downloads the scenario, Ctrl+O uploads one, a dropped file opens;
  7. a reload reopens the session from the browser's storage;
  8. a link carrying a scenario and an op opens exactly there, and a bad link
     shows the loader's error and opens the seed;
  9. the page opens from a static web server too;
 10. a link opens a lesson at a beat, and PageDown (a clicker's key) enters
     the next beat;
 12. a link carrying an expression (micrograd's neuron) opens it at its op,
     ← steps it backward, its trace equals the native one, and (Chromium)
     Ctrl+Q goes back to a network;
 11. (Chromium) on a screen with two device pixels per CSS pixel the page
     draws at the device's resolution with the UI at twice its size, and a
     click lands on the control under it.
Prints the budgets' figures: page size, first frame, and the seed's fast-path
training step in the page against the native one, measured in the same run.
"""
import base64
import http.server
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "assets/scenarios/seed.json"
CONV_WITHIN = 1e-12
NEURON = ROOT / "assets/expressions/micrograd_neuron.json"
BENCH_STEPS = 100000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebDriver:
    def __init__(self, port, downloads, extra_args=()):
        self.base = f"http://127.0.0.1:{port}"
        self.profile = tempfile.mkdtemp(prefix="bpv-chromium-")
        args = ["--headless=new", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                "--ignore-gpu-blocklist", "--no-sandbox", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--allow-file-access-from-files", "--window-size=1280,800", f"--user-data-dir={self.profile}", *extra_args]
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome",
                                                 "goog:chromeOptions": {
            "binary": "/usr/bin/chromium", "args": args,
            "prefs": {"download.default_directory": str(downloads), "download.prompt_for_download": False}}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=120) as r:
                return json.loads(r.read())["value"]
        except urllib.error.HTTPError as e:
            raise RuntimeError(f"WebDriver {method} {path}: {e.read().decode(errors='replace')[:2000]}")

    def s(self, method, path, body=None):
        return self.call(method, f"/session/{self.session}{path}", body)

    def go(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def key(self, value, ctrl=False):
        CONTROL = "\ue009"
        down = [{"type": "keyDown", "value": CONTROL}] if ctrl else []
        up = [{"type": "keyUp", "value": CONTROL}] if ctrl else []
        self.s("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions": down + [
            # Held over a few frames: ImGui 1.86 reads which keys are down at each frame's start.
            {"type": "keyDown", "value": value}, {"type": "pause", "duration": 150},
            {"type": "keyUp", "value": value}] + up}]})

    def click(self, x, y):  # x, y in CSS pixels of the viewport
        self.s("POST", "/actions", {"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                                                 "actions": [{"type": "pointerMove", "x": int(x), "y": int(y), "origin": "viewport"},
                                                             {"type": "pointerDown", "button": 0},
                                                             {"type": "pause", "duration": 150},
                                                             {"type": "pointerUp", "button": 0}]}]})
        self.s("DELETE", "/actions")

    def upload(self, element_css, path):
        element = self.s("POST", "/element", {"using": "css selector", "value": element_css})
        eid = next(iter(element.values()))
        self.s("POST", f"/element/{eid}/value", {"text": str(path)})

    def screenshot(self):
        return base64.b64decode(self.s("GET", "/screenshot"))

    def quit(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        except Exception:
            pass


class Marionette:
    """Firefox through its own remote protocol (Marionette: length-prefixed
    JSON over TCP; Debian has no geckodriver). The same methods as WebDriver."""

    def __init__(self, downloads):
        self.profile = Path(tempfile.mkdtemp(prefix="bpv-firefox-"))
        port = free_port()
        prefs = {
            "marionette.port": port,
            # Software GL (llvmpipe) is what these machines have; Firefox
            # blocklists it for WebGL unless told otherwise.
            "webgl.force-enabled": True,
            "webgl.disable-fail-if-major-performance-caveat": True,
            "gfx.webrender.software": True,
            "browser.download.dir": str(downloads),
            "browser.download.folderList": 2,
            "browser.download.useDownloadDir": True,
            "browser.download.always_ask_before_handling_new_types": False,
            "browser.helperApps.neverAsk.saveToDisk": "application/json,application/octet-stream,text/plain",
            "browser.shell.checkDefaultBrowser": False,
            "datareporting.policy.dataSubmissionEnabled": False,
            "toolkit.telemetry.reportingpolicy.firstRun": False,
            "browser.startup.homepage_override.mstone": "ignore",
            "security.fileuri.strict_origin_policy": False,
        }
        (self.profile / "user.js").write_text(
            "".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in prefs.items()))
        env = dict(os.environ, MOZ_HEADLESS="1", MOZ_HEADLESS_WIDTH="1280", MOZ_HEADLESS_HEIGHT="800")
        self.proc = subprocess.Popen(["firefox-esr", "--marionette", "--headless", "--no-remote", "--profile",
                                      str(self.profile), "about:blank"], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        end = time.time() + 60
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=120)
                break
            except OSError:
                if time.time() > end:
                    raise RuntimeError("Firefox's Marionette port never opened")
                time.sleep(0.2)
        self.buf = b""
        self.next_id = 0
        self.read()  # the server's greeting
        self.call("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})
        self.call("WebDriver:SetWindowRect", {"width": 1280, "height": 800})

    def read(self):
        while b":" not in self.buf:
            self.buf += self.sock.recv(65536)
        n, _, rest = self.buf.partition(b":")
        while len(rest) < int(n):
            rest += self.sock.recv(1 << 20)
        self.buf = rest[int(n):]
        return json.loads(rest[:int(n)])

    def call(self, command, params=None):
        self.next_id += 1
        msg = json.dumps([0, self.next_id, command, params or {}]).encode()
        self.sock.sendall(str(len(msg)).encode() + b":" + msg)
        while True:
            reply = self.read()
            if reply[0] == 1 and reply[1] == self.next_id:
                break
        if reply[2]:
            raise RuntimeError(f"Marionette {command}: {json.dumps(reply[2])[:2000]}")
        result = reply[3]
        return result.get("value") if isinstance(result, dict) and "value" in result else result

    def go(self, url):
        self.call("WebDriver:Navigate", {"url": url})

    def js(self, script, *args):
        return self.call("WebDriver:ExecuteScript", {"script": script, "args": list(args)})

    def key(self, value, ctrl=False):
        CONTROL = "\ue009"
        down = [{"type": "keyDown", "value": CONTROL}] if ctrl else []
        up = [{"type": "keyUp", "value": CONTROL}] if ctrl else []
        self.call("WebDriver:PerformActions", {"actions": [{"type": "key", "id": "keyboard", "actions": down + [
            {"type": "keyDown", "value": value}, {"type": "pause", "duration": 150},
            {"type": "keyUp", "value": value}] + up}]})
        self.call("WebDriver:ReleaseActions")

    def upload(self, element_css, path):
        element = self.call("WebDriver:FindElement", {"using": "css selector", "value": element_css})
        eid = next(iter(element.values()))
        self.call("WebDriver:ElementSendKeys", {"id": eid, "text": str(path)})

    def screenshot(self):
        return base64.b64decode(self.call("WebDriver:TakeScreenshot", {"full": False}))

    def quit(self):
        try:
            self.call("WebDriver:DeleteSession")
        except Exception:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def fail(why):
    print(f"FAIL: {why}", file=sys.stderr)
    sys.exit(1)


def wait_ready(wd, what, timeout=90.0):
    end = time.time() + timeout
    while time.time() < end:
        if wd.js("return !!(window.bpv && window.bpv.ready());"):
            return
        time.sleep(0.05)
    log = wd.js("return document.body ? document.body.innerText : '';")
    fail(f"{what}: no frame drawn within {timeout:.0f} s; the page says: {log[:500]}")


def state(wd):
    return wd.js("return bpv.state();")


def differences(a, b, where="", ulps=0, within=0.0):
    """Where two parsed JSON values differ, as 'path: a vs b' lines; numbers
    may differ by up to `ulps` units in the last place, or by `within`."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{where}/{k}: only in {'the native' if k not in a else 'the page'}'s")
            else:
                out += differences(a[k], b[k], f"{where}/{k}", ulps, within)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, f"{where}[{i}]", ulps, within)]
    if ulps and isinstance(a, float) and isinstance(b, float) and abs(a - b) <= ulps * math.ulp(max(abs(a), abs(b))):
        return []
    if within and isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= within:
        return []
    return [] if a == b else [f"{where}: page {a!r} vs native {b!r}"]


def xor_name():
    return json.loads((ROOT / "assets/scenarios/xor.json").read_text())["name"]


def png_is_blank(png):
    """True when the picture has (almost) one colour: its decompressed rows
    then hold a handful of byte values."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        return True
    at, idat = 8, b""
    while at < len(png):
        n = int.from_bytes(png[at:at + 4], "big")
        kind = png[at + 4:at + 8]
        if kind == b"IDAT":
            idat += png[at + 8:at + 8 + n]
        at += 12 + n
    return len(set(zlib.decompress(idat))) < 32


def main():
    if len(sys.argv) < 3:
        fail("usage: browser_test.py PAGE.html NATIVE_BACKPROP_VIZ [--screenshot OUT.png]")
    page = Path(sys.argv[1]).resolve()
    native = sys.argv[2]
    shot = Path(sys.argv[sys.argv.index("--screenshot") + 1]) if "--screenshot" in sys.argv else None
    browser = sys.argv[sys.argv.index("--browser") + 1] if "--browser" in sys.argv else "chromium"
    if browser not in ("chromium", "firefox"):
        fail(f"--browser {browser}: chromium or firefox")
    if not page.is_file():
        fail(f"{page}: no page (cmake --preset web && cmake --build --preset web)")
    print(f"page_bytes: {page.stat().st_size} ({page.stat().st_size / 1e6:.2f} MB, budget 6 MB)")

    print(f"browser: {browser}")
    port = free_port()
    driver = None
    if browser == "chromium":
        driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
    server = None
    wd = None
    try:
        downloads = Path(tempfile.mkdtemp(prefix="bpv-downloads-"))
        if driver:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/status", timeout=1)
                    break
                except Exception:
                    time.sleep(0.05)
            wd = WebDriver(port, downloads)
        else:
            wd = Marionette(downloads)

        # 1. From disk, on the seed.
        wd.go(page.as_uri())
        wait_ready(wd, "file://")
        first_ms = wd.js("return bpv.firstFrameMs();")
        print(f"first_frame_ms: {first_ms:.0f} (from navigation; budget 2000)")
        s0 = state(wd)
        if s0["scenario"] != json.loads(SEED.read_text())["name"]:
            fail(f"the page opened '{s0['scenario']}', not the seed")

        # 2. Space runs the next op.
        wd.js("document.getElementById('canvas').focus();")
        wd.key(" ")
        end = time.time() + 10
        while state(wd)["cursor"] == s0["cursor"] and time.time() < end:
            time.sleep(0.05)
        s1 = state(wd)
        if s1["cursor"] != s0["cursor"] + 1:
            fail(f"Space: the op index went from {s0['cursor']} to {s1['cursor']}, not {s0['cursor'] + 1}")
        print(f"space: op {s0['cursor']} -> {s1['cursor']} of {s1['op_count']}")
        # F5 is the browser's reload, unless the page takes it: presenter mode on, Esc off.
        wd.key("\ue035")
        time.sleep(0.3)
        if not state(wd)["lesson"]["presenter"]:
            fail("F5: presenter mode did not come on")
        wd.key("\ue00c")
        time.sleep(0.3)
        if state(wd)["lesson"]["presenter"]:
            fail("Esc: presenter mode did not go off")
        print("presenter: F5 on, Esc off")

        # 3. A picture that is not blank.
        png = wd.screenshot()
        if shot:
            shot.write_bytes(png)
        if png_is_blank(png):
            fail("the screenshot is blank")
        print(f"screenshot: {len(png)} bytes{f', {shot}' if shot else ''}")

        # 4. The trace equals the native one.
        # The text as the page wrote it, parsed here like the native one (not
        # through JavaScript's numbers and back).
        web_trace = json.loads(wd.js("return bpv.traceText();"))
        native_trace = json.loads(subprocess.run([native, "trace", str(SEED), "--json"], check=True,
                                                 capture_output=True, text=True).stdout)
        if web_trace != native_trace:
            fail("the page's trace of the seed differs from `backprop-viz trace seed.json --json`: "
                 + "; ".join(differences(web_trace, native_trace)[:10]))
        print(f"trace: equal to the native one ({len(native_trace['steps'])} ops, every number)")

        # The fast path, in the page and natively, in the same run: medians of
        # three, interleaved, after a warm-up run that lets the browser compile
        # the hot code with its optimising tier.
        wd.js(f"return bpv.trainUsPerStep('/assets/scenarios/seed.json', {BENCH_STEPS});")
        web_runs, native_runs = [], []
        for _ in range(3):
            web_runs.append(wd.js(f"return bpv.trainUsPerStep('/assets/scenarios/seed.json', {BENCH_STEPS});"))
            out = subprocess.run([native, "train", str(SEED), "--steps", str(BENCH_STEPS)], check=True,
                                 capture_output=True, text=True).stdout
            native_runs.append(float(out.split("us_per_step:")[1].split()[0]))
        web_us, native_us = sorted(web_runs)[1], sorted(native_runs)[1]
        print(f"train_us_per_step: page {web_us:.3f}, native {native_us:.3f} (medians of 3, {BENCH_STEPS} steps), "
              f"ratio {web_us / native_us:.2f} (budget 3)")

        # 5. Training runs in slices between frames: the page answers while it
        # runs, its progress moves, and the steps all arrive.
        steps = 300000
        wd.js(f"bpv.trainSteps({steps});")
        progress = set()
        end = time.time() + 120
        while time.time() < end:
            st = state(wd)
            if st["training"]:
                progress.add(round(st["training_progress"], 3))
            elif st["training_step"] >= steps:
                break
            time.sleep(0.02)
        st = state(wd)
        if st["training"] or st["training_step"] != steps:
            fail(f"training {steps} steps: {st['training_step']} done, still training: {st['training']}")
        if len([p for p in progress if 0 < p < 1]) < 2:
            fail(f"training: the page did not answer while it trained (progress seen: {sorted(progress)})")
        print(f"training: {steps} steps in slices, progress seen at {len(progress)} points")

        # 6. Files: Save (Ctrl+S) downloads the scenario; Open (Ctrl+O) uploads
        # one; a file dropped on the page opens.
        wd.key("s", ctrl=True)
        end = time.time() + 20
        while not list(downloads.glob("*.json")) and time.time() < end:
            time.sleep(0.1)
        saved = list(downloads.glob("*.json"))
        if not saved:
            fail("Ctrl+S: no download")
        time.sleep(0.5)  # the download's last bytes
        if json.loads(saved[0].read_text())["name"] != state(wd)["scenario"]:
            fail(f"Ctrl+S: {saved[0].name} is not the scenario shown")
        if state(wd)["modified"]:
            fail("Ctrl+S: the session still says it has unsaved changes")
        print(f"save: downloaded {saved[0].name}")
        wd.key("o", ctrl=True)
        time.sleep(0.5)
        wd.upload("#bpv-file-input", ROOT / "assets/scenarios/xor.json")
        end = time.time() + 20
        while state(wd)["scenario"] != xor_name() and time.time() < end:
            time.sleep(0.05)
        if state(wd)["scenario"] != xor_name():
            fail(f"Ctrl+O and an upload of xor.json: the page shows '{state(wd)['scenario']}'")
        print("open: uploaded xor.json, opened")
        deep = json.loads((ROOT / "assets/scenarios/deep_relu.json").read_text())
        wd.js("""const dt = new DataTransfer();
                 dt.items.add(new File([arguments[0]], 'deep_relu.json', {type: 'application/json'}));
                 document.getElementById('canvas').dispatchEvent(
                     new DragEvent('drop', {dataTransfer: dt, bubbles: true, cancelable: true}));""",
              json.dumps(deep))
        end = time.time() + 20
        while state(wd)["scenario"] != deep["name"] and time.time() < end:
            time.sleep(0.05)
        if state(wd)["scenario"] != deep["name"]:
            fail(f"a dropped deep_relu.json: the page shows '{state(wd)['scenario']}'")
        print("drop: deep_relu.json opened")

        # 6b. A conv net (formats.md §6): digits_conv, which the native build
        # imports from the digits data set, opens on the page, steps into its
        # backward pass, and its trace equals the native one.
        digits_conv = Path(native).resolve().parent / "real-data/layers/digits_conv.json"
        if digits_conv.exists():
            conv = json.loads(digits_conv.read_text())
            wd.key("o", ctrl=True)
            time.sleep(0.5)
            wd.upload("#bpv-file-input", digits_conv)
            end = time.time() + 30
            while state(wd)["scenario"] != conv["name"] and time.time() < end:
                time.sleep(0.05)
            if state(wd)["scenario"] != conv["name"]:
                fail(f"an upload of digits_conv.json: the page shows '{state(wd)['scenario']}'")
            for _ in range(14):  # the mini-batch, the conv, pooling and dense ops, the loss, then backward
                wd.key(" ")
                time.sleep(0.05)
            end = time.time() + 10
            while state(wd)["cursor"] < 14 and time.time() < end:
                time.sleep(0.05)
            if state(wd)["cursor"] != 14:
                fail(f"digits_conv: Space ×14 left the cursor at op {state(wd)['cursor']}")
            if png_is_blank(wd.screenshot()):
                fail("digits_conv: the screenshot in the backward pass is blank")
            web_conv = json.loads(wd.js("return bpv.traceText();"))
            native_conv = json.loads(subprocess.run([native, "trace", str(digits_conv), "--json"], check=True,
                                                    capture_output=True, text=True).stdout)
            # The conv's matrix products sum their terms in another order with
            # the page's narrower SIMD than natively (AVX): a sum of terms of
            # size about 1 may differ in its last bits, so each number is
            # compared to CONV_WITHIN (the page's own dense nets are exact).
            off = differences(web_conv, native_conv, ulps=4, within=CONV_WITHIN)
            if off:
                fail(f"the page's trace of digits_conv differs from the native one by more than {CONV_WITHIN}: "
                     + "; ".join(off[:10]))
            inexact = len(differences(web_conv, native_conv))
            print(f"conv: digits_conv opened, stepped to op 14 (backward), trace equal to the native one "
                  f"({len(native_conv['steps'])} ops; {inexact} numbers differ, each by at most {CONV_WITHIN})")
        else:
            print(f"conv: {digits_conv} not built (no real data): skipped")

        # 7. The session is kept in the browser's storage: a reload shows it again.
        before = state(wd)
        wd.go("about:blank")
        wd.go(page.as_uri())
        wait_ready(wd, "a reload")
        after = state(wd)
        if (after["scenario"], after["cursor"]) != (before["scenario"], before["cursor"]):
            fail(f"a reload: '{after['scenario']}' at op {after['cursor']}, "
                 f"not '{before['scenario']}' at op {before['cursor']}")
        print(f"storage: a reload reopened '{after['scenario']}' at op {after['cursor']}")

        # 8. Links: a scenario at an op; then a bad one.
        xor = json.loads((ROOT / "assets/scenarios/xor.json").read_text())
        fragment = "scenario=" + base64.urlsafe_b64encode(json.dumps(xor).encode()).decode().rstrip("=") + "&op=3"
        wd.go("about:blank")
        wd.go(page.as_uri() + "#" + fragment)
        wait_ready(wd, "a link")
        s2 = state(wd)
        if s2["scenario"] != xor["name"] or s2["cursor"] != 3:
            fail(f"the link opened '{s2['scenario']}' at op {s2['cursor']}, not '{xor['name']}' at op 3")
        wd.go("about:blank")
        wd.go(page.as_uri() + "#scenario=bm90IGpzb24")  # "not json"
        wait_ready(wd, "a bad link")
        s3 = state(wd)
        if not s3["file_error"].startswith("link: ") or s3["scenario"] != s0["scenario"] or s3["cursor"] != 0:
            fail(f"a bad link: error '{s3['file_error']}', scenario '{s3['scenario']}'")
        print(f"links: xor at op 3 opened; a bad one says \"{s3['file_error'].splitlines()[0]}\"")

        # 9. From a static web server.
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass
        handler = lambda *a, **k: Quiet(*a, directory=str(page.parent), **k)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        wd.go(f"http://127.0.0.1:{server.server_address[1]}/{page.name}")
        wait_ready(wd, "http://")
        print(f"http: opened, {state(wd)['op_count']} ops")

        # 10. A lesson: a link opens the seed walkthrough at its first beat; PageDown enters the next.
        seed_b64 = base64.urlsafe_b64encode(SEED.read_bytes()).decode().rstrip("=")
        wd.go("about:blank")
        wd.go(page.as_uri() + "#scenario=" + seed_b64 + "&lesson=1_seed_walkthrough&beat=0")
        wait_ready(wd, "a lesson link")
        end = time.time() + 20
        while not (state(wd)["lesson"]["open"] and state(wd)["lesson"]["entered"]) and time.time() < end:
            time.sleep(0.05)
        l0 = state(wd)["lesson"]
        if not l0["open"] or l0["beat"] != 0 or not l0["entered"]:
            fail(f"a lesson link: {l0}")
        wd.js("document.getElementById('canvas').focus();")
        wd.key("\ue00f")  # PageDown
        end = time.time() + 20
        while not (state(wd)["lesson"]["beat"] == 1 and state(wd)["lesson"]["entered"]) and time.time() < end:
            time.sleep(0.05)
        l1, s1 = state(wd)["lesson"], state(wd)
        if l1["beat"] != 1 or not l1["entered"] or s1["cursor"] != l1["cursor"]:
            fail(f"PageDown in a lesson: beat {l1['beat']}, entered {l1['entered']}, "
                 f"cursor {s1['cursor']} (the beat's {l1['cursor']})")
        print(f"lesson: '{l1['title']}' opened from a link, PageDown entered beat 2 at op {s1['cursor']}")

        # 12. An expression from a link: micrograd's neuron, stepped backward.
        native_neuron = json.loads(subprocess.run([native, "trace", str(NEURON), "--json"], check=True,
                                                  capture_output=True, text=True).stdout)
        backward = [st["index"] for st in native_neuron["steps"] if st["phase"] == "backward"]
        at = backward[len(backward) // 2] + 1  # in the middle of the backward pass
        wd.go("about:blank")
        wd.go(page.as_uri() + "#expression=" +
              base64.urlsafe_b64encode(NEURON.read_bytes()).decode().rstrip("=") + f"&op={at}")
        wait_ready(wd, "an expression link")
        e0 = state(wd)
        name = json.loads(NEURON.read_text())["name"]
        if e0.get("kind") != "expression" or e0["name"] != name or e0["cursor"] != at:
            fail(f"an expression link opened {e0.get('kind')} '{e0.get('name', e0.get('scenario'))}' "
                 f"at op {e0['cursor']}, not the expression '{name}' at op {at}")
        grads_before = e0["gradients"]
        wd.js("document.getElementById('canvas').focus();")
        wd.key("\ue012")  # ←
        end = time.time() + 10
        while state(wd)["cursor"] != at - 1 and time.time() < end:
            time.sleep(0.05)
        e1 = state(wd)
        if e1["cursor"] != at - 1:
            fail(f"← on the expression: the op index went from {at} to {e1['cursor']}, not {at - 1}")
        undone = [k for k in grads_before if grads_before[k] != e1["gradients"][k]]
        if not undone:
            fail(f"← on the expression at op {at} (backward) changed no gradient: {grads_before} vs {e1['gradients']}")
        # tanh is the C library's: glibc's and the page's (musl's) differ by an
        # ulp at some inputs, so here (not for the seed's network) the numbers
        # agree to 4 ulps and every word exactly.
        png = wd.screenshot()
        if png_is_blank(png):
            fail("the expression's screenshot is blank")
        if shot:
            shot.with_name(shot.stem + "-expression.png").write_bytes(png)
        diffs = differences(wd.js("return bpv.trace();"), native_neuron, ulps=4)
        if diffs:
            fail("the expression's trace differs from the native one:\n  " + "\n  ".join(diffs[:10]))
        back = ""
        if browser == "chromium":  # Firefox's own Ctrl+Q quits the browser
            wd.key("q", ctrl=True)
            end = time.time() + 10
            while "scenario" not in state(wd) and time.time() < end:
                time.sleep(0.05)
            if "scenario" not in state(wd):
                fail("Ctrl+Q on the expression did not go back to a network")
            back = f"; Ctrl+Q back to '{state(wd)['scenario']}'"
        print(f"expression: micrograd's neuron opened from a link at op {at}, ← undid ∂/∂{undone[0]}; "
              f"trace equal to the native one ({len(native_neuron['steps'])} ops){back}")

        # 11. HiDPI: a second browser whose screen has 2 device pixels per CSS pixel.
        if browser == "chromium":
            wd.quit()
            wd = WebDriver(port, downloads, ["--force-device-scale-factor=2"])
            wd.go(page.as_uri() + "#scenario=" + base64.urlsafe_b64encode(SEED.read_bytes()).decode().rstrip("="))
            wait_ready(wd, "HiDPI")
            ratio, css_w, css_h, px_w, px_h = wd.js(
                "const c = document.getElementById('canvas');"
                "return [devicePixelRatio, c.clientWidth, c.clientHeight, c.width, c.height];")
            st = state(wd)
            if ratio != 2 or abs(px_w - 2 * css_w) > 2 or abs(px_h - 2 * css_h) > 2:
                fail(f"HiDPI: pixel ratio {ratio}, canvas {px_w}×{px_h} px for {css_w}×{css_h} CSS px")
            if st["content_scale"] != 2:
                fail(f"HiDPI: the app's content scale is {st['content_scale']}, not the page's pixel ratio 2")
            r = st["timeline_rects"][4]  # op 5's cell, in device pixels
            wd.click((r[0] + r[2] / 2) / ratio, (r[1] + r[3] / 2) / ratio)
            end = time.time() + 10
            while state(wd)["cursor"] != 5 and time.time() < end:
                time.sleep(0.05)
            if state(wd)["cursor"] != 5:
                fail(f"HiDPI: a click on op 5's timeline cell left the cursor at {state(wd)['cursor']}")
            png = wd.screenshot()
            if png_is_blank(png):
                fail("HiDPI: the screenshot is blank")
            if shot:
                shot.with_name(shot.stem + "-hidpi.png").write_bytes(png)
            print(f"hidpi: canvas {px_w}×{px_h} px for {css_w}×{css_h} CSS px, content scale 2, "
                  "a click on op 5's cell jumped there")
    finally:
        if wd:
            wd.quit()
        if driver:
            driver.terminate()
            driver.wait()
        if server:
            server.shutdown()
    print("web: all checks passed")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Renders HTML reports in headless Chromium through the DevTools protocol (over a pipe, no
network port) and checks what a reader sees.

usage: reports_html.py OUT_DIR NAME=REPORT.html:CHART,CHART... [NAME=...] [--control BAD.html]

For each report: no console message of level error, no uncaught exception, no failed or
blocked load (CSP violations included), no <script> element; every chart named is an
<svg class="chart"> whose paths are all non-empty with a positive length; a full-page PNG
screenshot is saved as OUT_DIR/NAME.png (its path and size are printed). With --control, a
page that logs an error and loads an outside image must be caught (the check can fail)."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIMEOUT = 60


class Browser:
    def __init__(self, profile):
        exe = shutil.which("chromium") or shutil.which("chromium-browser")
        if not exe:
            raise SystemExit("chromium not found: install the Debian package 'chromium' (make deps)")
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()
        # Chromium reads commands on fd 3 and writes replies and events on fd 4.
        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--no-default-browser-check", "--disable-extensions",
             "--user-data-dir=" + profile, "--hide-scrollbars", "about:blank"],
            preexec_fn=fds, pass_fds=(3, 4, to_child_r, from_child_w),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def _read(self, deadline):
        while b"\0" not in self.buf:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            m = self._read(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
            self.events.append(m)

    def wait_event(self, method, session):
        deadline = time.monotonic() + TIMEOUT
        for i, m in enumerate(self.events):
            if m.get("method") == method and m.get("sessionId") == session:
                return self.events.pop(i)
        while True:
            m = self._read(deadline)
            if m.get("method") == method and m.get("sessionId") == session:
                return m
            self.events.append(m)

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


CHARTS_JS = """(() => {
  const charts = Array.from(document.querySelectorAll('svg.chart')).map(s => {
    const paths = Array.from(s.querySelectorAll('path'));
    return {chart: s.dataset.chart, paths: paths.length,
            empty: paths.filter(p => !(p.getAttribute('d') || '').trim() ||
                                     !(p.getTotalLength() > 0)).length,
            width: s.getBoundingClientRect().width};
  });
  return {charts, scripts: document.querySelectorAll('script').length,
          title: document.title, text: document.body.innerText};
})()"""


def render(browser, path, png):
    """Loads path in a new page; returns (problems seen by the page, the DOM summary)."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        browser.send(domain + ".enable", session=session)
    browser.send("Emulation.setDeviceMetricsOverride",
                 {"width": 1100, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                 session=session)
    browser.events.clear()
    browser.send("Page.navigate", {"url": "file://" + os.path.abspath(path)}, session=session)
    browser.wait_event("Page.loadEventFired", session)
    dom = browser.send("Runtime.evaluate", {"expression": CHARTS_JS, "returnByValue": True},
                       session=session)["result"]["value"]
    shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                        session=session)
    with open(png, "wb") as f:
        f.write(base64.b64decode(shot["data"]))
    problems = []
    for m in browser.events:
        if m.get("sessionId") != session:
            continue
        p, method = m.get("params", {}), m.get("method")
        if method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            problems.append("console error: " + " ".join(str(a.get("value")) for a in p.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            problems.append("exception: " + json.dumps(p.get("exceptionDetails", {}))[:300])
        elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
            problems.append("log error: " + p["entry"].get("text", ""))
        elif method == "Network.loadingFailed":
            problems.append("load failed: " + p.get("errorText", "") + " " + p.get("blockedReason", ""))
        elif method == "Network.requestWillBeSent" and not p["request"]["url"].startswith(("file:", "data:")):
            problems.append("request outside the file: " + p["request"]["url"])
    browser.send("Target.closeTarget", {"targetId": target})
    return problems, dom


def main(argv):
    out_dir = argv[1]
    control = None
    if "--control" in argv:
        control = argv[argv.index("--control") + 1]
        argv = argv[:argv.index("--control")]
    os.makedirs(out_dir, exist_ok=True)
    failures = 0
    with tempfile.TemporaryDirectory() as profile:
        browser = Browser(profile)
        try:
            for spec in argv[2:]:
                name, rest = spec.split("=", 1)
                path, charts = rest.rsplit(":", 1)
                want = charts.split(",") if charts else []
                png = os.path.join(out_dir, name + ".png")
                problems, dom = render(browser, path, png)
                got = {c["chart"]: c for c in dom["charts"]}
                for c in want:
                    if c not in got:
                        problems.append(f"chart {c} missing (have {sorted(got)})")
                for c in dom["charts"]:
                    if c["paths"] == 0 or c["empty"] or c["width"] <= 0:
                        problems.append(f"chart {c['chart']}: {c['paths']} paths, {c['empty']} empty, "
                                        f"width {c['width']}")
                if dom["scripts"]:
                    problems.append(f"{dom['scripts']} script elements")
                for p in problems:
                    print(f"FAIL: {name}: {p}")
                failures += bool(problems)
                if not problems:
                    print(f"ok: {name}: {len(dom['charts'])} charts ({', '.join(sorted(got))}), "
                          f"each with non-empty paths; no console error")
                print(f"screenshot: {png} ({os.path.getsize(png)} bytes)")
                with open(os.path.join(out_dir, name + ".txt"), "w", encoding="utf-8") as f:
                    f.write(dom["text"])
            if control:
                problems, _ = render(browser, control, os.path.join(out_dir, "control.png"))
                if len(problems) >= 2:
                    print(f"ok: the control page's {len(problems)} problems are caught")
                else:
                    print(f"FAIL: the control page's error and outside load were not caught: {problems}")
                    failures += 1
        finally:
            browser.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Opens a report in headless Chromium, as a panel member's browser would,
with the network unreachable, and records what a person would see.

Usage: open_report.py REPORT_HTML OUT_DIR

Drives Chromium over the DevTools protocol on a pipe (--remote-debugging-pipe,
standard library only). Any request the page makes is recorded; a proxy that
leads nowhere stands in for a machine without network. Writes to OUT_DIR:
  screenshot.png   the first screen of the page (at half size)
  report.pdf       the page printed on A4
  result.json      {"requests": [urls other than the report itself],
                    "text": the rendered text (document.body.innerText),
                    "scripts": number of <script> elements in the DOM,
                    "load_ms": time from navigation to the load event,
                    "inked": share of screenshot pixels that are not white,
                    "colours": distinct colours in the screenshot,
                    "pages": pages of the PDF}
Exit 2 when no Chromium is installed.
"""

import base64
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def png_pixels(data):
    """Decodes an 8-bit, non-interlaced RGB or RGBA PNG: (width, channels, rows)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert depth == 8 and interlace == 0 and colour in (2, 6), (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 255
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 255
        elif kind == 3:
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(line)
        prev = line
    return width, channels, rows


def ink(png):
    """Share of pixels that are not (near) white, and distinct colours."""
    width, channels, rows = png_pixels(png)
    inked, colours = 0, set()
    for line in rows:
        for x in range(0, width * channels, channels):
            r, g, b = line[x], line[x + 1], line[x + 2]
            if r < 235 or g < 235 or b < 235:
                inked += 1
            colours.add((r, g, b))
    return inked / (width * len(rows)), len(colours)


def pdf_pages(pdf):
    """Pages of a PDF: the page objects in it."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


class Pipe:
    def __init__(self, to_chrome, from_chrome):
        self.w = os.fdopen(to_chrome, "wb", buffering=0)
        self.r = os.fdopen(from_chrome, "rb", buffering=0)
        self.buf = b""
        self.next_id = 0
        self.events = []

    def send(self, method, params=None, session=None):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.w.write(json.dumps(msg).encode() + b"\0")
        return self.wait_reply(self.next_id)

    def read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = self.r.read(1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the pipe")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)

    def wait_reply(self, wanted, timeout=60):
        deadline = time.time() + timeout
        while True:
            msg = self.read_message(deadline)
            if msg.get("id") == wanted:
                if "error" in msg:
                    raise RuntimeError(f"DevTools error: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)

    def wait_event(self, method, timeout=60):
        deadline = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while True:
            msg = self.read_message(deadline)
            if msg.get("method") == method:
                return msg
            self.events.append(msg)


def main():
    report, out = os.path.abspath(sys.argv[1]), sys.argv[2]
    chromium = find_chromium()
    if chromium is None:
        print("no chromium installed", file=sys.stderr)
        return 2
    os.makedirs(out, exist_ok=True)
    profile = tempfile.mkdtemp(prefix="fullemp-chromium-")
    to_chrome_r, to_chrome_w = os.pipe()
    from_chrome_r, from_chrome_w = os.pipe()

    def child_fds():
        a, b = os.dup(to_chrome_r), os.dup(from_chrome_w)
        os.dup2(a, 3)
        os.dup2(b, 4)

    proc = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            # No network: every request would go to a proxy that is not there.
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--window-size=1280,1400",
            "about:blank",
        ],
        preexec_fn=child_fds,
        close_fds=False,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(to_chrome_r)
    os.close(from_chrome_w)
    pipe = Pipe(to_chrome_w, from_chrome_r)
    try:
        targets = pipe.send("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        session = pipe.send(
            "Target.attachToTarget", {"targetId": page["targetId"], "flatten": True}
        )["sessionId"]
        pipe.send("Network.enable", session=session)
        pipe.send("Page.enable", session=session)
        url = "file://" + report
        started = time.time()
        pipe.send("Page.navigate", {"url": url}, session=session)
        pipe.wait_event("Page.loadEventFired", timeout=120)
        load_ms = int((time.time() - started) * 1000)
        # Anything the page would fetch after load (fonts, images) starts now.
        time.sleep(0.5)

        def evaluate(expr):
            r = pipe.send(
                "Runtime.evaluate",
                {"expression": expr, "returnByValue": True},
                session=session,
            )
            return r["result"].get("value")

        text = evaluate("document.body.innerText")
        scripts = evaluate("document.querySelectorAll('script').length")
        shot = base64.b64decode(
            pipe.send(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "clip": {"x": 0, "y": 0, "width": 1280, "height": 1400, "scale": 0.5},
                },
                session=session,
            )["data"]
        )
        with open(os.path.join(out, "screenshot.png"), "wb") as f:
            f.write(shot)
        pdf = pipe.send(
            "Page.printToPDF",
            {"preferCSSPageSize": True, "printBackground": True},
            session=session,
        )["data"]
        pdf = base64.b64decode(pdf)
        with open(os.path.join(out, "report.pdf"), "wb") as f:
            f.write(pdf)
        inked, colours = ink(shot)
        requests = [
            e["params"]["request"]["url"]
            for e in pipe.events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        requests = [u for u in requests if u != url]
        with open(os.path.join(out, "result.json"), "w", encoding="utf-8") as f:
            json.dump(
                {
                    "requests": requests,
                    "text": text,
                    "scripts": scripts,
                    "load_ms": load_ms,
                    "inked": inked,
                    "colours": colours,
                    "pages": pdf_pages(pdf),
                },
                f,
                ensure_ascii=False,
            )
        try:
            pipe.send("Browser.close")
        except (EOFError, RuntimeError, TimeoutError):
            pass
    finally:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

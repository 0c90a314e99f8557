"""The reader check: how long the seeds briefing is, and whether it fits one phone screen per
five points.

The briefing is rendered as the nightly email and photographed by headless Chromium (Debian
package ``chromium``) at a phone's width, 390 CSS px; a screen is the 740 px of it a phone
shows below the mail app's bars (an 844 px tall phone). The words a reader reads are counted
too (render.briefing_words: lede, points, the quotes shown, conflicts, who said what).

    python bench/reader.py [--engine extractive|llm] [--paths seeds] [--json]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from pathlib import Path

from summarizer.email_render import render_email
from summarizer.pipeline import brief
from summarizer.render import briefing_view, briefing_words

ROOT = Path(__file__).resolve().parents[1]
PHONE_WIDTH = 390
SCREEN_HEIGHT = 740
POINTS_PER_SCREEN = 5


def page_height(html: str) -> int | None:
    """The rendered height in CSS px of ``html`` at PHONE_WIDTH (None without Chromium)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        page, png = Path(tmp) / "email.html", Path(tmp) / "email.png"
        page.write_text(html, encoding="utf-8")
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={Path(tmp) / 'profile'}", "--hide-scrollbars",
             f"--window-size={PHONE_WIDTH},8000", f"--screenshot={png}", page.as_uri()],
            capture_output=True, timeout=180, check=True,
        )  # fmt: skip
        return _content_rows(png.read_bytes())


def _content_rows(data: bytes) -> int:
    """The last row of a PNG (8-bit RGB/RGBA) that is not the page's background colour."""
    width, height = struct.unpack(">II", data[16:24])
    channels = {2: 3, 6: 4}[data[25]]
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        if data[pos + 4 : pos + 8] == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for x in range(stride):  # PNG filters: none, sub, up, average, paeth
            a = line[x - channels] if x >= channels else 0
            b, c = previous[x], previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    background = rows[-1][:channels]
    last = 0
    for y, row in enumerate(rows):
        if row != background * width:
            last = y
    return last + 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("extractive", "llm"), default="extractive")
    parser.add_argument("--paths", nargs="+", default=[str(ROOT / "seeds")])
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args()
    started = time.perf_counter()
    briefing = brief(args.paths, engine=args.engine, warn=lambda _: None)
    seconds = time.perf_counter() - started
    view = briefing_view(briefing)
    listed = [p for day in view.days for p in day.points]
    points = len(view.lede) + len(listed)
    email = render_email(
        [briefing], day=dt.date.today(), sender="bench@example.org", recipients=["r@example.org"]
    )
    height = page_height(email.html)
    allowed = max(points, 1) / POINTS_PER_SCREEN
    report = {
        "engine": args.engine,
        "words": briefing_words(briefing),
        "points": points,
        "lede_sentences": len(view.lede),
        "mean_point_words": round(
            sum(len(p.text.split()) for p in listed) / max(len(listed), 1), 1
        ),
        "max_point_words": max((len(p.text.split()) for p in listed), default=0),
        "quotes_under_points": sum(len(p.quotes) for p in listed),
        "email_height_px": height,
        "phone_screens": None if height is None else round(height / SCREEN_HEIGHT, 2),
        "screens_allowed": round(allowed, 2),
        "fits": None if height is None else height / SCREEN_HEIGHT <= allowed,
        "seconds": round(seconds, 2),
    }
    if args.json:
        print(json.dumps(report))
    else:
        screens = (
            "no chromium: not measured"
            if height is None
            else f"{report['phone_screens']} phone screens ({height} px at {PHONE_WIDTH} px wide; "
            f"allowed {report['screens_allowed']}: {'fits' if report['fits'] else 'does NOT fit'})"
        )
        print(
            f"{report['engine']}: {report['words']} words, {points} points "
            f"({report['lede_sentences']} in the lede), {screens}; points average "
            f"{report['mean_point_words']} words, longest {report['max_point_words']}; "
            f"{report['quotes_under_points']} quotes shown under points"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

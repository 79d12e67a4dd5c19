#!/usr/bin/python3
"""The HTML report's attribution and robustness charts against metrics.json, read from the SVG
itself (xml.etree on each <svg class="chart">): every bar of data-chart="attributions" is a
column of metrics.json "attributions" in order, its data-value that column's mean_abs exactly,
its title the column, and its drawn width proportional to the value (within the 2-decimal
rounding of the coordinates); every mark of data-chart="robustness" and "robustness-missing"
is a point of metrics.json "robustness" (the unperturbed baseline at strength 0, then each
curve point), exactly, in order per series, and drawn where an affine map of the figures puts
it (within the rounding).

usage: reports_charts.py REPORT.html METRICS.json"""
import json
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
TOL = 0.011  # coordinates are printed with 2 decimals


def charts(html):
    out = {}
    for m in re.finditer(r'<svg class="chart" data-chart="([^"]+)".*?</svg>', html, re.S):
        out[m.group(1)] = ET.fromstring(m.group(0))
    return out


def affine_ok(data, pixels):
    """pixels = a * data + b for every point (a line through the two extreme points)."""
    lo, hi = min(range(len(data)), key=lambda i: data[i]), max(range(len(data)), key=lambda i: data[i])
    if data[hi] == data[lo]:
        return max(pixels) - min(pixels) <= TOL
    a = (pixels[hi] - pixels[lo]) / (data[hi] - data[lo])
    return all(abs(pixels[lo] + a * (d - data[lo]) - p) <= 2 * TOL for d, p in zip(data, pixels))


def main():
    html = open(sys.argv[1], encoding="utf-8").read()
    m = json.load(open(sys.argv[2]))
    c = charts(html)
    problems = []
    cols = m["attributions"]["columns"]
    bars = [p for p in c["attributions"].iter(NS + "path") if p.get("class") == "bar"]
    values = [float(p.get("data-value")) for p in bars]
    if values != [col["mean_abs"] for col in cols]:
        problems.append(f"attribution bars {values} are not metrics.json's mean_abs")
    if [p.find(NS + "title").text for p in bars] != [col["column"] for col in cols]:
        problems.append("attribution bars do not name metrics.json's columns in order")
    widths = [float(re.match(r"M[-\d.]+ [-\d.]+h([-\d.]+)", p.get("d")).group(1)) for p in bars]
    wmax, vmax = max(widths), max(values)
    if any(abs(w - v / vmax * wmax) > 2 * TOL for w, v in zip(widths, values)):
        problems.append(f"bar widths {widths} are not proportional to {values}")
    rob = m["robustness"]
    n_points = 0
    for chart, kinds in (("robustness", ("noise", "fgsm", "pgd")), ("robustness-missing", ("missing",))):
        marks = [p for p in c[chart].iter(NS + "path") if p.get("class") == "mark"]
        xs, ys, px, py = [], [], [], []
        for k in kinds:
            want = [(0.0, rob["baseline"])] + [(p["strength"], p["value"]) for p in rob[k]]
            got = [(float(p.get("data-x")), float(p.get("data-y"))) for p in marks
                   if p.get("data-series") == k]
            if got != want:
                problems.append(f"{chart} {k}: marks {got}, metrics.json {want}")
            for p in marks:
                if p.get("data-series") == k:
                    x, y = re.match(r"M([-\d.]+) ([-\d.]+)m", p.get("d")).groups()
                    xs.append(float(p.get("data-x")))
                    ys.append(float(p.get("data-y")))
                    px.append(float(x))
                    py.append(float(y))
            n_points += len(got)
        if not (affine_ok(xs, px) and affine_ok(ys, py)):
            problems.append(f"{chart}: marks not drawn at an affine map of their figures")
    for p in problems:
        print("FAIL:", p)
    if not problems:
        print(f"ok: {len(bars)} attribution bars and {n_points} robustness points equal "
              "metrics.json's figures, drawn to scale")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes suites/vision.jsonl and its images suites/vision/*.png (drawn by
gnuplot from the numbers below), plus suites/vision/SHA256SUMS. Every answer
is computed here from the same numbers the image is drawn from, so the image
and the answer cannot drift apart.

Usage: python3 scripts/suites/make_vision.py [suites-dir]   (default suites/)
       python3 scripts/suites/make_vision.py --check [suites-dir]

--check regenerates everything into a temporary folder and fails unless the
regenerated jsonl and PNGs are byte-identical to the committed ones and the
committed PNGs match SHA256SUMS. The PNGs are byte-reproducible for a given
gnuplot and cairo build: gnuplot runs with -d (no init files), a fixed
DejaVu font and the C.UTF-8 locale, and the pngcairo terminal writes no timestamp.
A different gnuplot, cairo or font version may draw different bytes; then
--check says which files differ and the suite must be regenerated and its
hashes committed again.
"""
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

SUITE = {
    "name": "vision",
    "description": "Charts, tables and arithmetic rendered by gnuplot from known "
                   "numbers (scripts/suites/make_vision.py); numeric answers read "
                   "from the image.",
    "template": "{prompt}\nPlease reason step by step, and put your final answer "
                "within \\boxed{}.",
    "grader": {"type": "numeric"},
    "lang": "en",
    "tags": ["vision"],
}

WIDTH, HEIGHT = 480, 320
FONT = "DejaVu Sans,11"
COLORS = ["#4472c4", "#ed7d31", "#70ad47", "#ffc000", "#5b9bd5", "#a5a5a5"]


def fmt(x):
    """A number as the answer text: integers without a decimal point."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    if isinstance(x, float):
        return ("%.4f" % x).rstrip("0").rstrip(".")
    return str(x)


def q(s):
    """A gnuplot string literal (single quotes: no escapes are interpreted)."""
    assert "'" not in s
    return "'" + s + "'"


def header(title):
    return [
        "set encoding utf8",
        "unset key",
        "set title %s font 'DejaVu Sans,12'" % q(title),
    ]


def datablock(rows):
    lines = ["$d << EOD"]
    for r in rows:
        lines.append(" ".join('"%s"' % c if isinstance(c, str) else str(c) for c in r))
    lines.append("EOD")
    return lines


def bar_chart(title, ylabel, names, values, extra=()):
    top = max(values)
    lines = header(title) + datablock(list(zip(names, values))) + [
        "set ylabel %s" % q(ylabel),
        "set yrange [0:%g]" % (top * 1.18),
        "set xrange [-0.6:%g]" % (len(names) - 0.4),
        "set style fill solid 0.85 border -1",
        "set boxwidth 0.6",
        "set grid ytics lc '#dddddd'",
        "set xtics nomirror scale 0",
        "set ytics nomirror",
    ] + list(extra) + [
        "plot $d using 0:2:xtic(1) with boxes lc '%s', "
        "'' using 0:2:(sprintf('%%g', $2)) with labels offset 0,0.8 font 'DejaVu Sans,11'"
        % COLORS[0],
    ]
    return lines


def line_chart(title, ylabel, names, series, extra=()):
    """series: list of (legend, values). Every point is labelled with its
    value, away from the lines: with several series above the point when its
    series is the highest at that x and below it otherwise; with one series
    below the point in a valley and above it elsewhere."""
    allv = [v for s in series for v in s[1]]
    lo, hi = min(allv), max(allv)
    pad = (hi - lo) * 0.2 + 1
    dy = (hi - lo + 2 * pad) * 0.06
    rows = []
    for i, n in enumerate(names):
        top = max(s[1][i] for s in series)
        row = [n]
        for s in series:
            v = s[1][i]
            near = [s[1][j] for j in (i - 1, i + 1) if 0 <= j < len(names)]
            if len(series) == 1:
                up = v >= sum(near) / len(near)
            else:
                up = v == top
            row += [v, v + dy if up else v - dy]
        rows.append(row)
    lines = header(title) + datablock(rows) + [
        "set ylabel %s" % q(ylabel),
        "set yrange [%g:%g]" % (max(0, lo - pad), hi + pad),
        "set xrange [-0.4:%g]" % (len(names) - 0.6),
        "set grid ytics lc '#dddddd'",
        "set xtics nomirror",
        "set ytics nomirror",
    ] + list(extra)
    plots = []
    for k, (legend, _) in enumerate(series):
        col = 2 * k + 2
        xt = ":xtic(1)" if k == 0 else ""
        title_part = "title %s" % q(legend) if legend else "notitle"
        plots.append("$d using 0:%d%s with linespoints lw 2 pt 7 ps 1 lc '%s' %s"
                     % (col, xt, COLORS[k], title_part))
        plots.append("'' using 0:%d:(sprintf('%%g', $%d)) with labels tc '%s' notitle"
                     % (col + 1, col, COLORS[k]))
    if len(series) > 1:
        lines.append("set key top left")
    lines.append("plot " + ", ".join(plots))
    return lines


def blank_canvas():
    return [
        "unset border", "unset tics", "unset key",
        "set lmargin 0", "set rmargin 0", "set tmargin 0", "set bmargin 0",
        "set xrange [0:%d]" % WIDTH, "set yrange [0:%d]" % HEIGHT,
    ]


def table(title, cols, rows):
    """A table drawn with labels and rules; the first column is left-aligned."""
    lines = ["set encoding utf8"] + blank_canvas()
    n = len(rows) + 1
    rowh = min(34, (HEIGHT - 70) // n)
    top = HEIGHT - 50
    colw = (WIDTH - 40) / len(cols)
    left = 20
    lines.append("set label %s at %d,%d center font 'DejaVu Sans,13'" % (q(title), WIDTH // 2, HEIGHT - 22))
    for r in range(n + 1):
        y = top - r * rowh
        lw = 2 if r in (0, 1, n) else 1
        lines.append("set arrow from %d,%d to %d,%d nohead lw %d lc '%s'"
                     % (left, y, WIDTH - left, y, lw, "#000000" if lw == 2 else "#bbbbbb"))
    for r, row in enumerate([cols] + rows):
        y = top - r * rowh - rowh / 2
        for c, cell in enumerate(row):
            font = "DejaVu Sans Bold,11" if r == 0 else FONT
            if c == 0:
                lines.append("set label %s at %g,%g left font %s"
                             % (q(str(cell)), left + 8, y, q(font)))
            else:
                lines.append("set label %s at %g,%g right font %s"
                             % (q(str(cell)), left + (c + 1) * colw - 10, y, q(font)))
    lines.append("plot NaN notitle")
    return lines


def text_lines(texts, size=22):
    lines = ["set encoding utf8"] + blank_canvas()
    n = len(texts)
    for i, t in enumerate(texts):
        y = HEIGHT / 2 + (n - 1) * 28 - i * 56
        lines.append("set label %s at %d,%g center font 'DejaVu Sans,%d' noenhanced"
                     % (q(t), WIDTH // 2, y, size))
    lines.append("plot NaN notitle")
    return lines


def pie(title, names, shares):
    assert sum(shares) == 100
    lines = ["set encoding utf8"] + blank_canvas()
    # x and y spans in the ratio of the canvas, room above the pie for the title
    lines[-2:] = ["set xrange [-2.0625:2.0625]", "set yrange [-1.3:1.45]", "set size ratio -1"]
    lines.append("set label %s at 0,1.36 center font 'DejaVu Sans,12'" % q(title))
    start = 90.0
    rows = []
    for k, (name, share) in enumerate(zip(names, shares)):
        end = start - share * 3.6
        mid = math.radians((start + end) / 2)
        rows.append((end, start, k))
        # labels on the sides hang away from the pie, the others are centred
        cx, sy = math.cos(mid), math.sin(mid)
        align = "left" if cx > 0.25 else "right" if cx < -0.25 else "center"
        rad = 1.05 if align != "center" else 1.12
        lines.append("set label %s at %.4f,%.4f %s"
                     % (q("%s %d%%" % (name, share)), rad * cx, rad * sy, align))
        start = end
    lines.append("set style fill solid 0.9 border lc '#ffffff'")
    lines += datablock([(0, 0, 0.95, a, b, k) for a, b, k in rows])
    lines.append("set palette defined (%s)" % ", ".join(
        "%d %s" % (k, q(COLORS[k])) for k in range(len(names))))
    lines.append("unset colorbox")
    lines.append("set cbrange [0:%d]" % (len(names) - 1))
    lines.append("plot $d using 1:2:3:4:5:6 with circles lc palette")
    return lines


def dots(title, points):
    lines = header(title) + [
        "set xrange [0:10]", "set yrange [0:10]",
        "unset xtics", "unset ytics", "set size ratio -1",
    ] + datablock(points) + [
        "plot $d using 1:2 with points pt 7 ps 2.2 lc '%s'" % COLORS[0],
    ]
    return lines


def scatter_points(n, seed):
    """n points on a 10x10 field, well apart, from a fixed linear congruential
    generator (so the picture does not depend on Python's random module)."""
    state = seed
    pts = []
    for _ in range(10000):
        if len(pts) == n:
            break
        state = (state * 1103515245 + 12345) % (1 << 31)
        x = 1 + (state % 800) / 100.0
        state = (state * 1103515245 + 12345) % (1 << 31)
        y = 1 + (state % 800) / 100.0
        if all((x - a) ** 2 + (y - b) ** 2 > 1.3 ** 2 for a, b in pts):
            pts.append((x, y))
    assert len(pts) == n
    return pts


def items():
    """Yields (id, kind, level, prompt, answer, gnuplot lines)."""
    # Bar charts with value labels.
    names = ["Mon", "Tue", "Wed", "Thu", "Fri"]
    v = [42, 57, 38, 65, 49]
    yield ("vis-01", "bar-chart", "easy",
           "The bar chart shows how many cups of coffee a café sold each weekday. "
           "How many cups were sold on Tuesday and Thursday together?",
           v[1] + v[3], bar_chart("Cups sold per day", "cups", names, v))

    names = ["North", "South", "East", "West"]
    v = [318, 245, 402, 276]
    yield ("vis-02", "bar-chart", "easy",
           "The bar chart shows the sales of four regions. By how much do the "
           "sales of East exceed the sales of South?",
           v[2] - v[1], bar_chart("Sales by region", "units", names, v))

    names = ["Ana", "Ben", "Cara", "Dev", "Eli", "Fay"]
    v = [73, 88, 61, 95, 79, 84]
    yield ("vis-03", "bar-chart", "easy",
           "The bar chart shows six students' test scores. What is the highest "
           "score minus the lowest score?",
           max(v) - min(v), bar_chart("Test scores", "points", names, v))

    names = ["2019", "2020", "2021", "2022", "2023"]
    v = [1250, 980, 1410, 1630, 1575]
    yield ("vis-04", "bar-chart", "medium",
           "The bar chart shows the number of visitors to a museum each year. "
           "What is the total number of visitors over all five years?",
           sum(v), bar_chart("Museum visitors", "visitors", names, v))

    names = ["Q1", "Q2", "Q3", "Q4"]
    v = [36, 48, 30, 54]
    yield ("vis-05", "bar-chart", "medium",
           "The bar chart shows a company's profit in each quarter, in thousands "
           "of dollars. What is the average quarterly profit, in thousands of dollars?",
           sum(v) / len(v), bar_chart("Quarterly profit", "thousand $", names, v))

    names = ["Red", "Blue", "Green", "Yellow", "Purple"]
    v = [14, 24, 9, 21, 12]
    yield ("vis-06", "bar-chart", "medium",
           "The bar chart shows the favourite colours of the students in a class. "
           "What percentage of the students chose Blue? Give the answer as a number.",
           100.0 * v[1] / sum(v),
           bar_chart("Favourite colour", "students", names, v))

    names = ["A", "B", "C", "D", "E", "F", "G"]
    v = [31, 58, 44, 72, 27, 66, 50]
    threshold = 45
    yield ("vis-07", "counting", "medium",
           "The bar chart has a dashed horizontal line. How many bars are taller "
           "than the dashed line?",
           sum(1 for x in v if x > threshold),
           bar_chart("Daily orders (dashed line: target %d)" % threshold, "orders",
                     names, v, extra=[
                         "set arrow from graph 0, first %d to graph 1, first %d nohead "
                         "dt 2 lw 2 lc '#c00000' front" % (threshold, threshold)]))

    # Line charts with labelled points.
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun"]
    v = [12, 15, 21, 18, 26, 30]
    yield ("vis-08", "line-chart", "easy",
           "The line chart shows a shop's monthly online orders. How many more "
           "orders were there in June than in February?",
           v[5] - v[1], line_chart("Online orders", "orders", names, [("", v)]))

    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    v = [14, 17, 11, 19, 22, 16, 13]
    yield ("vis-09", "line-chart", "medium",
           "The line chart shows the noon temperature in °C over one week. What "
           "is the average temperature over the seven days?",
           sum(v) / len(v), line_chart("Noon temperature", "°C", names, [("", v)]))

    names = ["W1", "W2", "W3", "W4", "W5", "W6"]
    v = [40, 46, 43, 55, 52, 64]
    incs = [v[i + 1] - v[i] for i in range(len(v) - 1)]
    yield ("vis-10", "line-chart", "medium",
           "The line chart shows weekly sign-ups. What is the largest increase "
           "from one week to the next?",
           max(incs), line_chart("Weekly sign-ups", "sign-ups", names, [("", v)]))

    names = ["2019", "2020", "2021", "2022", "2023"]
    a = [120, 135, 150, 160, 175]
    b = [90, 115, 158, 185, 205]
    yield ("vis-11", "line-chart", "hard",
           "The chart shows the yearly output of two factories, A and B. In the "
           "first year in which B's output is higher than A's, what is the "
           "difference between B and A?",
           next(y - x for x, y in zip(a, b) if y > x),
           line_chart("Yearly output", "tonnes", names, [("Factory A", a), ("Factory B", b)]))

    names = ["0", "1", "2", "3", "4", "5"]
    v = [250, 230, 212, 190, 171, 150]
    yield ("vis-12", "line-chart", "easy",
           "The line chart shows the water level in a tank, in litres, after each "
           "hour. How many litres were lost between hour 1 and hour 4?",
           v[1] - v[4], line_chart("Water in tank", "litres", names, [("", v)],
                                   extra=["set xlabel 'hour'"]))

    # Tables drawn with labels.
    cols = ["Item", "Price ($)", "Quantity"]
    rows = [["Notebook", 3, 12], ["Pen", 2, 30], ["Stapler", 9, 4],
            ["Folder", 4, 15], ["Ruler", 1, 20]]
    yield ("vis-13", "table", "easy",
           "The table lists items in a stationery order. What is the total "
           "quantity of all items ordered?",
           sum(r[2] for r in rows), table("Stationery order", cols, rows))
    yield ("vis-14", "table", "hard",
           "The table lists items in a stationery order. What is the total cost "
           "of the order in dollars (price times quantity, summed over all items)?",
           sum(r[1] * r[2] for r in rows), table("Stationery order", cols, rows))

    cols = ["City", "Population", "Area (km²)"]
    rows = [["Arden", 48200, 112], ["Bexley", 73500, 96], ["Corran", 35900, 140],
            ["Dunmore", 91250, 128], ["Elwick", 62400, 85], ["Farlow", 27800, 77]]
    yield ("vis-15", "table", "easy",
           "The table lists six towns. What is the population of Dunmore?",
           rows[3][1], table("Towns", cols, rows))
    big = max(rows, key=lambda r: r[2])
    yield ("vis-16", "table", "medium",
           "The table lists six towns. What is the population of the town with "
           "the largest area?",
           big[1], table("Towns", cols, rows))

    cols = ["Team", "Won", "Drawn", "Lost"]
    rows = [["Lions", 11, 4, 3], ["Hawks", 9, 6, 3], ["Otters", 12, 2, 4],
            ["Wolves", 7, 8, 3], ["Bears", 10, 5, 3]]
    pts = {r[0]: 3 * r[1] + r[2] for r in rows}
    best = max(pts.values())
    assert sum(1 for p in pts.values() if p == best) == 1
    yield ("vis-17", "table", "hard",
           "The table shows a football league. A win is worth 3 points, a draw 1 "
           "point and a loss 0 points. How many points does the team with the "
           "most points have?",
           best, table("League table", cols, rows))

    # Rendered arithmetic.
    yield ("vis-18", "arithmetic", "easy",
           "Compute the value of the expression shown in the image.",
           (48 + 27) * 6 - 175, text_lines(["(48 + 27) × 6 − 175"], 26))
    yield ("vis-19", "arithmetic", "medium",
           "Compute the value of the expression shown in the image.",
           (936 // 12) + 17 * 23, text_lines(["936 ÷ 12 + 17 × 23"], 26))
    yield ("vis-20", "arithmetic", "medium",
           "The image shows three numbers, one per line. What is the first number "
           "plus the second number minus the third number?",
           4817 + 2956 - 3478, text_lines(["4817", "2956", "3478"], 24))
    x, y = 7, 4
    assert 3 * x + 2 * y == 29 and x - y == 3
    yield ("vis-21", "arithmetic", "hard",
           "The image shows two equations. Solve them and give the value of x + y.",
           x + y, text_lines(["3x + 2y = 29", "x − y = 3"], 24))

    # Pie chart with percentages.
    names = ["Rent", "Food", "Transport", "Savings", "Other"]
    shares = [35, 25, 15, 15, 10]
    yield ("vis-22", "pie", "medium",
           "The pie chart shows how a monthly budget of $3200 is split. How many "
           "dollars go to Food?",
           3200 * shares[1] // 100, pie("Monthly budget", names, shares))

    # Counting.
    p = scatter_points(11, 7)
    yield ("vis-23", "counting", "medium",
           "How many dots are there in the image?",
           len(p), dots("Dots", p))
    names = ["P", "Q", "R", "S", "T", "U", "V", "W"]
    v = [8, 3, 8, 5, 8, 2, 6, 8]
    yield ("vis-24", "counting", "hard",
           "The bar chart shows eight values. Let n be the number of bars that "
           "reach the largest value. What is n multiplied by the smallest value shown?",
           v.count(max(v)) * min(v), bar_chart("Values", "value", names, v))


def render(lines, png):
    script = "\n".join([
        "set terminal pngcairo size %d,%d font %s noenhanced" % (WIDTH, HEIGHT, q(FONT)),
        "set output %s" % q(png),
    ] + lines + ["unset output", ""])
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    res = subprocess.run(["gnuplot", "-d"], input=script.encode("utf-8"),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if res.returncode != 0 or res.stderr.strip():
        sys.exit("make_vision: gnuplot failed for %s:\n%s"
                 % (png, res.stderr.decode("utf-8", "replace")))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def generate(suites_dir):
    img_dir = os.path.join(suites_dir, "vision")
    os.makedirs(img_dir, exist_ok=True)
    seen = set()
    sums = []
    with open(os.path.join(suites_dir, "vision.jsonl"), "w", encoding="utf-8") as f:
        f.write(json.dumps({"suite": SUITE}, ensure_ascii=False) + "\n")
        for vid, kind, level, prompt, answer, lines in items():
            assert vid not in seen
            seen.add(vid)
            name = vid + ".png"
            render(lines, os.path.join(img_dir, name))
            sums.append("%s  %s\n" % (sha256(os.path.join(img_dir, name)), name))
            item = {"id": vid, "prompt": prompt, "answer": fmt(answer),
                    "images": ["vision/" + name], "tags": [kind, level]}
            f.write(json.dumps(item, ensure_ascii=False) + "\n")
    with open(os.path.join(img_dir, "SHA256SUMS"), "w", encoding="utf-8") as f:
        f.writelines(sums)
    return len(seen)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def check(suites_dir):
    bad = []
    tmp = tempfile.mkdtemp(prefix="make_vision.")
    try:
        generate(tmp)
        new_dir, old_dir = os.path.join(tmp, "vision"), os.path.join(suites_dir, "vision")
        for name in ("vision.jsonl", os.path.join("vision", "SHA256SUMS")):
            if not os.path.exists(os.path.join(suites_dir, name)):
                bad.append("%s: missing" % name)
            elif read(os.path.join(tmp, name)) != read(os.path.join(suites_dir, name)):
                bad.append("%s: differs from the regenerated file" % name)
        sums_path = os.path.join(old_dir, "SHA256SUMS")
        listed = set()
        if os.path.exists(sums_path):
            with open(sums_path, encoding="utf-8") as f:
                for line in f:
                    digest, name = line.rstrip("\n").split("  ", 1)
                    listed.add(name)
                    path = os.path.join(old_dir, name)
                    if not os.path.exists(path):
                        bad.append("vision/%s: missing" % name)
                    elif sha256(path) != digest:
                        bad.append("vision/%s: does not match SHA256SUMS" % name)
        for name in sorted(os.listdir(new_dir)):
            if name.endswith(".png") and os.path.exists(os.path.join(old_dir, name)) \
                    and read(os.path.join(new_dir, name)) != read(os.path.join(old_dir, name)):
                bad.append("vision/%s: differs from the regenerated image" % name)
        extra = sorted(n for n in os.listdir(old_dir) if n.endswith(".png") and n not in listed)
        bad += ["vision/%s: not listed in SHA256SUMS" % n for n in extra]
    finally:
        shutil.rmtree(tmp)
    for b in bad:
        print("make_vision: " + b, file=sys.stderr)
    return 1 if bad else 0


def main():
    args = sys.argv[1:]
    do_check = "--check" in args
    args = [a for a in args if a != "--check"]
    here = os.path.dirname(os.path.abspath(__file__))
    suites_dir = args[0] if args else os.path.join(here, "..", "..", "suites")
    if do_check:
        rc = check(suites_dir)
        if rc == 0:
            print("make_vision: suites/vision.jsonl and images are up to date")
        sys.exit(rc)
    n = generate(suites_dir)
    print("make_vision: wrote %d items" % n)


if __name__ == "__main__":
    main()

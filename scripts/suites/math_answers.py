#!/usr/bin/env python3
"""Computes every answer of suites/math.jsonl and suites/multilingual.jsonl
again, one function per problem (brute force where it is cheap, a formula
where not), and checks the suite files against them.

Usage: python3 scripts/suites/math_answers.py --check [suites-dir]
Exit status 0 when every answer agrees, 1 otherwise.
"""
import itertools
import json
import math
import os
import re
import sys
from fractions import Fraction as F

# ---------------------------------------------------------------- helpers


def divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


def is_prime(n):
    if n < 2:
        return False
    return all(n % p for p in range(2, math.isqrt(n) + 1))


def heron(a, b, c):
    s = F(a + b + c, 2)
    return math.sqrt(s * (s - a) * (s - b) * (s - c))


def find_root(f, lo, hi, steps=200):
    """Bisection for a sign change of f on [lo, hi]."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        if (f(lo) < 0) == (f(mid) < 0):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


# ---------------------------------------------------------------- math suite

SOLVERS = {}


def solves(n):
    def wrap(fn):
        SOLVERS["math-%03d" % n] = fn
        return fn
    return wrap


@solves(1)
def _():
    return 14 * 12 - 97 - 45


@solves(2)
def _():
    mon = 18
    tue = 2 * mon
    return mon + tue + (tue - 7)


@solves(3)
def _():
    return 9 * 24 // 6


@solves(4)
def _():
    return 100 - (3 * 8 + 7 * 5)


@solves(5)
def _():
    return (13 * 60 + 15) - (9 * 60 + 40)


@solves(6)
def _():
    return 52 * 2 + 17 * 4


@solves(7)
def _():
    money, weeks = 38, 0
    while money < 200:
        money += 15
        weeks += 1
    return weeks


@solves(8)
def _():
    return 2 * (24 + 15) - 3


@solves(9)
def _():
    return F(40) * F(3, 4) * F(11, 10)


@solves(10)
def _():
    return F(1500, 250) * 3


@solves(11)
def _():
    for son in range(1, 100):
        if 4 * son + 20 == 2 * (son + 20):
            return 4 * son


@solves(12)
def _():
    return F(1200 - 1200 * 35 // 100, 60)


@solves(13)
def _():
    return F(65, 10) * F(640, 100) * F(180, 100)


@solves(14)
def _():
    return F(5 * 12, 4)


@solves(15)
def _():
    walk = 30 * 40 // 100
    rest = 30 - walk
    return rest - rest // 3


@solves(16)
def _():
    return 6 * 86 - 5 * 84


@solves(17)
def _():
    return min(3 * packs + (23 - 4 * packs) for packs in range(0, 23 // 4 + 1))


@solves(18)
def _():
    red, blue = 64 * 3 // 8, 64 * 5 // 8
    return blue - red


@solves(19)
def _():
    hour = 3 * 30 + 30 * F(1, 2)
    minute = 30 * 6
    d = abs(minute - hour)
    return min(d, 360 - d)


@solves(20)
def _():
    return F(36) / (F(18, 12) + F(18, 18))


@solves(21)
def _():
    return next(x for x in range(-100, 100) if 3 * (x - 4) + 5 == 2 * x + 7)


@solves(22)
def _():
    d = math.sqrt(121 - 40)
    return (11 + d) / 4 + (11 - d) / 4


@solves(23)
def _():
    f = lambda x: 2 * x + 3
    g = lambda x: x * x - 1
    return f(g(3)) + g(f(1))


@solves(24)
def _():
    for a in range(42):
        b = 41 - a
        if a - b == 9:
            return a * b


@solves(25)
def _():
    return next(x for x in range(1, 100) if x * x - 5 * x - 84 == 0)


@solves(26)
def _():
    d = F(58 - 23, 12 - 5)
    a1 = 23 - 4 * d
    return a1 + 19 * d


@solves(27)
def _():
    return sum(3 * 2 ** k for k in range(10))


@solves(28)
def _():
    sols = [(x, y, z) for x in range(-20, 21) for y in range(-20, 21) for z in range(-20, 21)
            if x + y + z == 6 and x - y + 2 * z == 5 and 2 * x + y - z == 1]
    assert len(sols) == 1
    x, y, z = sols[0]
    return x * y * z


@solves(29)
def _():
    return min(F(x, 100) ** 2 - 6 * F(x, 100) + 13 for x in range(-1000, 1000))


@solves(30)
def _():
    return sum(1 for x in range(-100, 100) if abs(2 * x - 7) < 5)


@solves(31)
def _():
    d = math.sqrt(49 - 40)
    a, b = (7 + d) / 2, (7 - d) / 2
    return a ** 3 + b ** 3


@solves(32)
def _():
    return next(x for x in range(3, 100) if x * (x - 2) == 8)


@solves(33)
def _():
    # tangent: x^2 - kx + 1 = 0 has a double root
    return next(F(k, 10) for k in range(1, 100) if F(k, 10) ** 2 - 4 == 0)


@solves(34)
def _():
    roots = [x for x in range(-10, 11) if x ** 3 - 6 * x ** 2 + 11 * x - 6 == 0]
    return sum(r * r for r in roots)


@solves(35)
def _():
    return next(x for x in range(-7, 100) if x - 5 >= 0 and (x - 5) ** 2 == x + 7)


@solves(36)
def _():
    # f(2) + 2 f(1/2) = 6 and f(1/2) + 2 f(2) = 3/2
    a11, a12, b1 = 1, 2, F(6)
    a21, a22, b2 = 2, 1, F(3, 2)
    det = a11 * a22 - a12 * a21
    return (b1 * a22 - a12 * b2) / det


@solves(37)
def _():
    return sum(x for x in range(1, 20) if x ** 4 - 13 * x ** 2 + 36 == 0)


@solves(38)
def _():
    x = (3 + math.sqrt(5)) / 2
    return x ** 5 + 1 / x ** 5


@solves(39)
def _():
    f = lambda x: x ** 3 - 3 * x + 1
    xs = [i / 1000 for i in range(-5000, 5001)]
    return sum(1 for a, b in zip(xs, xs[1:]) if f(a) * f(b) < 0)


@solves(40)
def _():
    for x in range(-20, 21):
        for y in range(-20, 21):
            if 2 * x + 3 * y == 12 and x - y == 1:
                return (x, y)


@solves(41)
def _():
    return 2 ** 100 % 7


@solves(42)
def _():
    return math.gcd(2 ** 12 - 1, 2 ** 18 - 1)


@solves(43)
def _():
    return len(divisors(720))


@solves(44)
def _():
    return next(n for n in range(1, 1000) if n % 3 == 2 and n % 4 == 3 and n % 5 == 4)


@solves(45)
def _():
    return sum(int(c) for c in str(2 ** 20))


@solves(46)
def _():
    return 7 ** 2024 % 100


@solves(47)
def _():
    return sum(1 for n in range(1, 1001) if (n % 3 == 0 or n % 5 == 0) and n % 15)


@solves(48)
def _():
    s = str(math.factorial(125))
    return len(s) - len(s.rstrip("0"))


@solves(49)
def _():
    return sum(divisors(360))


@solves(50)
def _():
    return sum(1 for n in range(1, 1002) if math.gcd(n, 1001) == 1)


@solves(51)
def _():
    return max(p for p in divisors(3 ** 8 - 1) if is_prime(p))


@solves(52)
def _():
    return next(n for n in range(1, 7 * 11 * 13 + 1) if n % 7 == 3 and n % 11 == 5 and n % 13 == 7)


@solves(53)
def _():
    return sum(1 for a in range(1, 100) for b in range(1, 100) if F(1, a) + F(1, b) == F(1, 6))


@solves(54)
def _():
    return pow(3, 2025, 10)


@solves(55)
def _():
    return next(n for n in range(1, 1000) if len(divisors(n)) == 12)


@solves(56)
def _():
    return sum(p for p in range(10, 100) if is_prime(p) and is_prime(int(str(p)[::-1])))


@solves(57)
def _():
    return sum(math.factorial(k) for k in range(1, 101)) % 12


@solves(58)
def _():
    n = math.factorial(10)
    return sum(1 for d in range(1, math.isqrt(n) + 1) if n % (d * d) == 0)


@solves(59)
def _():
    return next(b for b in range(3, 100) if b * b + 2 * b + 1 == 100)


@solves(60)
def _():
    n, f = 0, math.factorial(100)
    while f % 3 ** (n + 1) == 0:
        n += 1
    return n


@solves(61)
def _():
    return len(set(itertools.permutations("BANANA")))


@solves(62)
def _():
    people = ["m"] * 6 + ["w"] * 5
    return sum(1 for c in itertools.combinations(range(11), 4)
               if sum(people[i] == "w" for i in c) >= 2)


@solves(63)
def _():
    return sum(1 for p in itertools.product("RU", repeat=8) if p.count("R") == 5)


@solves(64)
def _():
    return F(sum(1 for a in range(1, 7) for b in range(1, 7) if a + b == 8), 36)


@solves(65)
def _():
    return sum(1 for n in range(1000, 10000)
               if all(a < b for a, b in zip(str(n), str(n)[1:])))


@solves(66)
def _():
    return sum(1 for p in itertools.permutations(range(5)) if all(p[i] != i for i in range(5)))


@solves(67)
def _():
    return sum(1 for x in range(11) for y in range(11) if x + y <= 10)


@solves(68)
def _():
    return sum(1 for mask in range(1 << 10) if mask & (mask >> 1) == 0)


@solves(69)
def _():
    # fix person 0 (Ana) in seat 0 to remove rotations; Ben is person 1
    count = 0
    for rest in itertools.permutations(range(1, 6)):
        seats = (0,) + rest
        b = seats.index(1)
        if b not in (1, 5):
            count += 1
    return count


@solves(70)
def _():
    hearts = sum(1 for c in itertools.combinations(range(52), 3) if all(x < 13 for x in c))
    return F(hearts, math.comb(52, 3))


@solves(71)
def _():
    return sum(1 for n in range(1, 1000) if sum(map(int, str(n))) == 10)


@solves(72)
def _():
    # e0: expected flips from no head; e1: just after one head.
    # e0 = 1 + (e1 + e0)/2 and e1 = 1 + e0/2, solved by substitution
    # e0 = 1 + e0/2 + (1 + e0/2)/2  =>  e0 (1 - 3/4) = 3/2
    return F(3, 2) / (1 - F(3, 4))


@solves(73)
def _():
    n = 12
    return sum(1 for a, b in itertools.combinations(range(n), 2) if (b - a) % n not in (1, n - 1))


@solves(74)
def _():
    ways = [1, 1]
    for _ in range(2, 11):
        ways.append(ways[-1] + ways[-2])
    return ways[10]


@solves(75)
def _():
    return sum(1 for n in range(1, 101) if n % 2 and n % 3 and n % 5)


@solves(76)
def _():
    def ok(s):
        depth = 0
        for c in s:
            depth += 1 if c == "(" else -1
            if depth < 0:
                return False
        return depth == 0
    return sum(1 for s in itertools.product("()", repeat=10) if ok(s))


@solves(77)
def _():
    return math.hypot(20, 21)


@solves(78)
def _():
    (x1, y1), (x2, y2), (x3, y3) = (1, 2), (7, 5), (4, 11)
    return F(abs(x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2)), 2)


@solves(79)
def _():
    return math.pi * 5 ** 2


@solves(80)
def _():
    return heron(13, 14, 15)


@solves(81)
def _():
    return heron(13, 14, 15) / F(13 + 14 + 15, 2)


@solves(82)
def _():
    return 6 * math.sqrt(3) / 4 * 4 ** 2


@solves(83)
def _():
    return (15 - 2) * 180


@solves(84)
def _():
    return math.pi * 3 ** 2 * 8


@solves(85)
def _():
    return math.dist((-3, 4), (5, -2))


@solves(86)
def _():
    top = math.sqrt(25 ** 2 - 7 ** 2) - 4
    return math.sqrt(25 ** 2 - top ** 2) - 7


@solves(87)
def _():
    a, b, c = 5, 12, 13
    return a * b * c / (4 * heron(a, b, c))


@solves(88)
def _():
    side = 6 * math.sqrt(3) / math.sqrt(3)
    return side ** 3


@solves(89)
def _():
    # |cross(C - B, A - B)| / |C - B|
    bx, by, cx, cy = 8, 0, 0, 6
    return abs((cx - bx) * (0 - by) - (cy - by) * (0 - bx)) / math.hypot(cx - bx, cy - by)


@solves(90)
def _():
    return math.sqrt(5 ** 2 - 4 ** 2)


@solves(91)
def _():
    ab, bc, ca = 5, 6, 7
    return F(ab * ab + bc * bc - ca * ca, 2 * ab * bc)


@solves(92)
def _():
    a = 6
    # base area times height over three
    base = math.sqrt(3) / 4 * a * a
    height = math.sqrt(a * a - (a / math.sqrt(3)) ** 2)
    return base * height / 3


@solves(93)
def _():
    return sum(1 for n in range(1, 1001) if (n * n + 1) % 5 == 0)


@solves(94)
def _():
    return sum(n for n in range(1, 1000) if math.isqrt(n * n + 45) ** 2 == n * n + 45)


@solves(95)
def _():
    return sum(1 for a in divisors(360) for b in divisors(360 // a))


@solves(96)
def _():
    a = 1
    for n in range(1, 50):
        a += 2 * n + 1
    return a


@solves(97)
def _():
    return 3 ** 27 % 100


@solves(98)
def _():
    return sum(1 for n in range(1, 51) if not is_prime(n * n + n + 41))


@solves(99)
def _():
    xy = F(10 ** 2 - 58, 2)
    d = math.sqrt(100 - 4 * xy)
    x, y = (10 + d) / 2, (10 - d) / 2
    return x ** 3 + y ** 3


@solves(100)
def _():
    # count unit cells of a fine grid inside |x| + |2y| <= 8 (midpoint rule)
    n, inside = 400, 0
    h = 16 / n
    for i in range(n):
        x = -8 + (i + 0.5) * h
        half = (8 - abs(x)) / 2
        inside += 2 * half * h
    return inside


# ---------------------------------------------------------------- parsing

LATEX = [
    (re.compile(r"\\frac\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}\{([^{}]*)\}"), r"((\1)/(\2))"),
    (re.compile(r"\\sqrt\{([^{}]*)\}"), r"sqrt(\1)"),
    (re.compile(r"\\pi"), "pi"),
]


def parse_answer(text):
    """A reference answer as a float, or a tuple of floats."""
    s = text.strip()
    if s.startswith("(") and s.endswith(")") and "," in s:
        return tuple(parse_answer(p) for p in s[1:-1].split(","))
    for _ in range(10):
        before = s
        for rx, rep in LATEX:
            s = rx.sub(rep, s)
        if s == before:
            break
    # implicit products: 24sqrt(3), 25pi, )(
    s = re.sub(r"(\d|\))\s*(sqrt|pi|\()", r"\1*\2", s)
    if not re.fullmatch(r"[0-9.+\-*/() a-z]*", s) or re.search(r"[a-z]+", s.replace("sqrt", "").replace("pi", "")):
        raise ValueError("cannot read answer %r" % text)
    return float(eval(s, {"__builtins__": {}}, {"sqrt": math.sqrt, "pi": math.pi}))


def close(a, b):
    if isinstance(a, tuple) or isinstance(b, tuple):
        return (isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b)
                and all(close(x, y) for x, y in zip(a, b)))
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)), abs(float(b)))


def read_items(path):
    items = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            obj = json.loads(line)
            if "suite" in obj:
                continue
            obj["_line"] = lineno
            items.append(obj)
    return items


def check_math(path):
    bad = 0
    items = read_items(path)
    ids = set()
    for it in items:
        iid = it["id"]
        ids.add(iid)
        fn = SOLVERS.get(iid)
        if fn is None:
            print("%s:%d: %s: no solver" % (path, it["_line"], iid))
            bad += 1
            continue
        want = fn()
        got = parse_answer(str(it["answer"]))
        if not close(got, want if not isinstance(want, tuple) else tuple(map(float, want))):
            print("%s:%d: %s: suite says %s, computed %s" % (path, it["_line"], iid, it["answer"], want))
            bad += 1
    for iid in sorted(set(SOLVERS) - ids):
        print("%s: %s: solver without an item" % (path, iid))
        bad += 1
    print("math: %d items, %d disagreements" % (len(items), bad))
    return bad


# ---------------------------------------------------------------- multilingual

ML = {}


def ml(n):
    def wrap(fn):
        ML["problem-%02d" % n] = fn
        return fn
    return wrap


@ml(1)
def _():
    return 5 * 4 - 3


@ml(2)
def _():
    return 36 - 36 // 4 - 5


@ml(3)
def _():
    return 3 * 12 + 2 * 7


@ml(4)
def _():
    return 120 // 8 * 3


@ml(5)
def _():
    return (50 - 2 * 15) // 4


@ml(6)
def _():
    return 24 + 24 // 2 + (24 + 24 // 2) * 2


@ml(7)
def _():
    return 60 * 3 + 80 * 2


@ml(8)
def _():
    return 7 * 6 - 9


@ml(9)
def _():
    return 1000 - 3 * 180 - 2 * 95


@ml(10)
def _():
    return 45 * 4


@ml(11)
def _():
    return sum(range(1, 11))


@ml(12)
def _():
    return (8 + 5) * 2 + 8


@ml(13)
def _():
    return 90 - 90 * 30 // 100


@ml(14)
def _():
    return 4 * 6 * 2


@ml(15)
def _():
    return (16 - 4) // 3


@ml(16)
def _():
    return 3 * 15 + 2 * 25


@ml(17)
def _():
    return 2 * (12 + 7)


@ml(18)
def _():
    return 3000 // 250


@ml(19)
def _():
    return 35 - 8 + 12 - 14


@ml(20)
def _():
    return 9 * 7 * 2


@ml(21)
def _():
    return (300 - 60) // 2


@ml(22)
def _():
    return 3 * 8 // 6


@ml(23)
def _():
    return 5 * 12 - 9


@ml(24)
def _():
    return 2 ** 5


@ml(25)
def _():
    return 16 * 2 + 5


def check_multilingual(path):
    bad = 0
    items = read_items(path)
    by_problem = {}
    for it in items:
        prob = next((t for t in it.get("tags", []) if t.startswith("problem-")), None)
        if prob is None:
            print("%s:%d: %s: no problem-NN tag" % (path, it["_line"], it["id"]))
            bad += 1
            continue
        by_problem.setdefault(prob, []).append(it)
    for prob, group in sorted(by_problem.items()):
        fn = ML.get(prob)
        if fn is None:
            print("%s: %s: no solver" % (path, prob))
            bad += 1
            continue
        want = fn()
        for it in group:
            if not close(parse_answer(str(it["answer"])), want):
                print("%s:%d: %s: suite says %s, computed %s" % (path, it["_line"], it["id"], it["answer"], want))
                bad += 1
    for prob in sorted(set(ML) - set(by_problem)):
        print("%s: %s: solver without items" % (path, prob))
        bad += 1
    print("multilingual: %d items, %d problems, %d disagreements" % (len(items), len(by_problem), bad))
    return bad


def main(argv):
    if len(argv) < 2 or argv[1] != "--check":
        print(__doc__.strip())
        return 2
    here = os.path.dirname(os.path.abspath(__file__))
    suites = argv[2] if len(argv) > 2 else os.path.join(here, "..", "..", "suites")
    bad = check_math(os.path.join(suites, "math.jsonl"))
    bad += check_multilingual(os.path.join(suites, "multilingual.jsonl"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

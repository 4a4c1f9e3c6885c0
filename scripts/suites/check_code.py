#!/usr/bin/env python3
"""Checks suites/code.jsonl: every line parses, the items have the fields and
tags the exec grader and the suite loader expect, and, for every item, the
`reference` passes its tests and the `wrong_reference` fails them. Each
solution is run with its tests in one program (Python: solution text, then
the tests; C and JavaScript io items: solution text, then the item's main,
whose output on fd 5 must be the expected output) with python3 / gcc / node
in a temporary folder with a timeout. This is a developer check of our own
trusted references, not a sandbox: never point it at untrusted code.

C references are also built with -Wall -Wextra (warnings are reported) and
run once more under ASan+UBSan, so a reference cannot pass by luck through
undefined behaviour.

Usage: python3 scripts/suites/check_code.py [suite] [-j N] [-v]
Exit status 0 only when every item behaves.
"""
import argparse
import concurrent.futures
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

ITEM_FIELDS = {"id", "prompt", "lang", "tags", "grader", "reference", "wrong_reference"}
GRADER_FIELDS = {"type", "language", "tests", "entry_point", "timeout_s"}
IO_FIELDS = {"type", "kind", "language", "main", "tests", "compare", "timeout_s"}
LANGS = {"python": "py", "c": "c", "javascript": "js"}
FENCE = {"python": "```python", "c": "```c", "javascript": "```javascript"}
WANT = {"python": 40, "c": 15, "javascript": 15}
LEVELS = {"easy", "medium", "hard"}
CC = ["gcc", "-std=c11", "-O1"]


def run(cmd, cwd, timeout, want=None):
    """(ok, detail): ok when the command exits 0 within timeout, and, with
    want, printed exactly want on fd 5."""
    if want is not None:
        cmd = ["sh", "-c", 'exec "$@" 5>&1 >/dev/null', "sh"] + cmd
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return False, "timeout after %gs" % timeout
    out = (p.stdout + p.stderr).decode("utf-8", "replace").strip()
    if p.returncode != 0:
        return False, "exit %d: %s" % (p.returncode, out)
    if want is not None and p.stdout.decode("utf-8", "replace") != want:
        return False, "check failed: the output differs: %s" % out[:300]
    return True, out


def execute(lang, solution, g, timeout, sanitize=False):
    """Runs solution + tests as one program; returns (ok, detail, warnings)."""
    d = tempfile.mkdtemp(prefix="tb-code-")
    want = g["tests"][0]["output"] if g.get("kind") == "io" else None
    try:
        if lang == "python":
            path = os.path.join(d, "main.py")
            with open(path, "w", encoding="utf-8") as f:
                f.write(solution + "\n\n" + g["tests"])
            ok, detail = run([sys.executable, "-I", path], d, timeout)
            return ok, detail, ""
        if lang == "javascript":
            path = os.path.join(d, "main.js")
            with open(path, "w", encoding="utf-8") as f:
                f.write(solution + "\n;\n" + g["main"])
            ok, detail = run(["node", path], d, timeout, want)
            return ok, detail, ""
        path = os.path.join(d, "prog.c")
        with open(path, "w", encoding="utf-8") as f:
            f.write(solution + "\n#line 1 \"main.c\"\n" + g["main"])
        flags = ["-Wall", "-Wextra"]
        if sanitize:
            flags += ["-g", "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
        ok, detail = run(CC + flags + ["-o", "prog", "prog.c", "-lm"], d, 120)
        if not ok:
            return False, "compile: " + detail, ""
        warnings = detail
        ok, detail = run(["./prog"], d, timeout * (3 if sanitize else 1), want)
        return ok, detail, warnings
    finally:
        shutil.rmtree(d, ignore_errors=True)


def gist(detail):
    """The lines of a failure that say what went wrong, kept short."""
    lines = [l.strip() for l in detail.splitlines()]
    picked = [l for l in lines if l.startswith("assert ")][-1:]
    picked += [l for l in lines if " error: " in l][:1]
    picked += [l for l in lines if re.match(r"(exit \d+: )?(\w*Error\b|check failed|timeout|compile)", l)][:1]
    return " | ".join(picked[:2])[:240] or detail.replace("\n", " ")[:240]


def structure(lineno, obj, seen):
    """Problems with one item's fields, as a list of strings."""
    errs = []
    extra = set(obj) - ITEM_FIELDS
    missing = ITEM_FIELDS - set(obj)
    if extra:
        errs.append("unknown fields %s" % sorted(extra))
    if missing:
        errs.append("missing fields %s" % sorted(missing))
    if missing:
        return errs
    if obj["id"] in seen:
        errs.append("duplicate id")
    g = obj["grader"]
    fields = IO_FIELDS if isinstance(g, dict) and g.get("language") in ("c", "javascript") else GRADER_FIELDS
    if not isinstance(g, dict) or set(g) != fields or g.get("type") != "exec":
        errs.append("grader must be an exec spec with exactly %s" % sorted(fields))
        return errs
    lang = g["language"]
    if lang not in LANGS:
        errs.append("unknown language %r" % lang)
        return errs
    if not obj["id"].startswith(LANGS[lang] + "-"):
        errs.append("id prefix does not match language")
    tags = obj["tags"]
    if not (isinstance(tags, list) and tags and tags[0] == lang
            and len([t for t in tags if t in LEVELS]) == 1):
        errs.append("tags must start with the language and hold one difficulty")
    if FENCE[lang] not in obj["prompt"] or g.get("entry_point", "") not in obj["prompt"]:
        errs.append("prompt must name the entry point and the %s fence" % FENCE[lang])
    if not (0 < g["timeout_s"] <= 600):
        errs.append("timeout_s out of range")
    if obj["reference"] == obj["wrong_reference"]:
        errs.append("wrong_reference equals reference")
    if lang != "python" and not (g["kind"] == "io" and g["compare"] == "exact" and len(g["tests"]) == 1
                                 and g["tests"][0]["input"] == "" and g["tests"][0]["output"]):
        errs.append("c and javascript items must be io items with one test and exact output")
    if lang == "c" and "int main(void)" not in g["main"]:
        errs.append("c mains must define int main(void)")
    return errs


def check_item(obj, verbose):
    g = obj["grader"]
    lang, timeout = g["language"], g["timeout_s"]
    problems, notes = [], []
    ok, detail, warnings = execute(lang, obj["reference"], g, timeout)
    if not ok:
        problems.append("reference fails: " + detail[-600:])
    if warnings:
        notes.append("reference warnings: " + warnings.replace("\n", " ")[:300])
    if ok and lang == "c":
        ok2, detail2, _ = execute(lang, obj["reference"], g, timeout, sanitize=True)
        if not ok2:
            problems.append("reference fails under ASan+UBSan: " + detail2[-600:])
    bad, detail, _ = execute(lang, obj["wrong_reference"], g, timeout)
    if bad:
        problems.append("wrong_reference passes")
    elif detail.startswith("compile:") or "SyntaxError" in detail:
        # A wrong solution must fail on behaviour, not fail to build.
        problems.append("wrong_reference does not build: " + gist(detail))
    elif verbose:
        notes.append("wrong fails: " + gist(detail))
    return obj["id"], problems, notes


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("suite", nargs="?", default=os.path.join(here, "..", "..", "suites", "code.jsonl"))
    ap.add_argument("-j", type=int, default=2, help="items checked at once (default 2)")
    ap.add_argument("-v", action="store_true", help="also show how each wrong reference fails")
    args = ap.parse_args()

    for tool in ("gcc", "node"):
        if shutil.which(tool) is None:
            print("check_code: %s not found" % tool)
            return 2

    failures = 0
    items, seen, counts, edge = [], set(), {}, 0
    with open(args.suite, encoding="utf-8") as f:
        raw = f.read().split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    for lineno, line in enumerate(raw, 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            print("line %d: not JSON: %s" % (lineno, e))
            failures += 1
            continue
        if lineno == 1:
            s = obj.get("suite") if isinstance(obj, dict) else None
            if not isinstance(s, dict) or s.get("name") != "code" or set(obj) != {"suite"}:
                print("line 1: expected the {\"suite\": {\"name\": \"code\", ...}} header")
                failures += 1
            continue
        errs = structure(lineno, obj, seen)
        if errs:
            print("line %d (%s): %s" % (lineno, obj.get("id"), "; ".join(errs)))
            failures += 1
            continue
        seen.add(obj["id"])
        lang = obj["grader"]["language"]
        counts[lang] = counts.get(lang, 0) + 1
        edge += "edge-cases" in obj["tags"]
        items.append(obj)
    if counts != WANT:
        print("counts %s, want %s" % (counts, WANT))
        failures += 1
    if edge * 3 < len(items):
        print("only %d of %d items are tagged edge-cases" % (edge, len(items)))
        failures += 1

    passed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.j)) as pool:
        for item_id, problems, notes in pool.map(lambda o: check_item(o, args.v), items):
            for n in notes:
                print("%s: %s" % (item_id, n))
            if problems:
                failures += 1
                for p in problems:
                    print("%s: FAIL %s" % (item_id, p))
            else:
                passed += 1
    levels = {}
    for o in items:
        for t in o["tags"]:
            if t in LEVELS:
                levels[t] = levels.get(t, 0) + 1
    print("check_code: %d items (%s), %d edge-case heavy, levels %s: %d behave, %d problems"
          % (len(items), ", ".join("%s %d" % (k, counts.get(k, 0)) for k in WANT), edge,
             ", ".join("%s %d" % (k, levels.get(k, 0)) for k in ("easy", "medium", "hard")),
             passed, failures))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Writes suites/code.jsonl from the problems below (original problems written
for thinkbench): 40 Python, 15 C and 15 JavaScript items, each with a
reference solution, a plausible wrong solution (the kind of bug a model
makes) and its tests. check_code.py runs every reference (must pass) and
wrong reference (must fail) against its tests.

Python items are function tests: the exec grader runs them in a process of
their own and gets the answer's values as plain data. C and JavaScript items
become io tests, since in one program the answer could rewrite its tests: the
checks below are turned into a main that prints the value each check looked
at (never the value it expected) on fd 5, and the expected output is what
that main prints with the reference, made here with gcc and node. The
answer's program then never holds an expected value.

Usage: python3 scripts/suites/make_code.py [output]   (default suites/code.jsonl)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SUITE = {
    "name": "code",
    "description": "Original programming problems in Python, C and JavaScript, "
                   "graded by running tests against the answer's code; many are "
                   "edge-case heavy (empty inputs, negative numbers, overflow "
                   "boundaries, Unicode, off-by-one ranges, calendars, rounding).",
    "tags": ["code"],
}

TIMEOUT_S = 10

SUFFIX = {
    "python": "\n\nWrite the solution in Python 3 using only the standard library. "
              "Reply with the complete code in a single ```python fenced code block.",
    "c": "\n\nWrite the solution in C11 using only the standard library. Include the "
         "headers your code needs and do not write a main function. Reply with the "
         "complete code in a single ```c fenced code block.",
    "javascript": "\n\nWrite the solution in JavaScript for Node.js as a top-level "
                  "function declaration (no modules, no exports). Reply with the "
                  "complete code in a single ```javascript fenced code block.",
}

PREFIX = {"python": "py", "c": "c", "javascript": "js"}

# (language, entry point, topic, difficulty, edge-case heavy, prompt,
#  reference, wrong reference, tests)
PROBLEMS = []


def P(lang, entry, topic, level, edge, prompt, ref, wrong, tests):
    PROBLEMS.append((lang, entry, topic, level, edge, prompt, ref, wrong, tests))


# ---------------------------------------------------------------- Python

P("python", "is_leap_year", "dates", "easy", True,
  "Write a Python function `is_leap_year(year: int) -> bool` that tells whether `year` is a "
  "leap year in the proleptic Gregorian calendar (astronomical numbering, so year 0 and "
  "negative years are allowed and follow the same rules).",
  r'''
def is_leap_year(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
''', r'''
def is_leap_year(year):
    return year % 4 == 0 and year % 100 != 0
''', r'''
assert is_leap_year(2024) is True
assert is_leap_year(2023) is False
assert is_leap_year(1900) is False
assert is_leap_year(2100) is False
assert is_leap_year(2000) is True
assert is_leap_year(2400) is True
assert is_leap_year(0) is True
assert is_leap_year(-4) is True
assert is_leap_year(-100) is False
assert is_leap_year(1) is False
''')

P("python", "format_cents", "strings", "medium", True,
  "Write a Python function `format_cents(cents: int) -> str` that formats an amount given in "
  "cents as dollars: a `$` sign, the whole dollars with a comma between each group of three "
  "digits, a dot and exactly two digits of cents. Negative amounts get a leading minus sign "
  "before the `$`. Examples: `123456` -> `\"$1,234.56\"`, `5` -> `\"$0.05\"`, `-5` -> "
  "`\"-$0.05\"`, `0` -> `\"$0.00\"`.",
  r'''
def format_cents(cents):
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return "%s$%s.%02d" % (sign, format(dollars, ","), rest)
''', r'''
def format_cents(cents):
    dollars, rest = divmod(cents, 100)
    sign = "-" if cents < 0 else ""
    return "%s$%s.%02d" % (sign, format(abs(dollars), ","), rest)
''', r'''
assert format_cents(0) == "$0.00"
assert format_cents(5) == "$0.05"
assert format_cents(100) == "$1.00"
assert format_cents(99999) == "$999.99"
assert format_cents(100000) == "$1,000.00"
assert format_cents(123456789) == "$1,234,567.89"
assert format_cents(-5) == "-$0.05"
assert format_cents(-123456) == "-$1,234.56"
assert format_cents(-100) == "-$1.00"
''')

P("python", "chunk", "lists", "easy", True,
  "Write a Python function `chunk(items: list, size: int) -> list` that splits `items` into "
  "consecutive lists of length `size`, in order; the last list may be shorter. An empty input "
  "gives `[]`. If `size` is less than 1, raise `ValueError`. Do not modify `items`.",
  r'''
def chunk(items, size):
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]
''', r'''
def chunk(items, size):
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items) - size + 1, size)]
''', r'''
assert chunk([1, 2, 3, 4], 2) == [[1, 2], [3, 4]]
assert chunk([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
assert chunk([], 3) == []
assert chunk([1, 2], 5) == [[1, 2]]
assert chunk(["a", "b", "c"], 1) == [["a"], ["b"], ["c"]]
for bad in (0, -1):
    try:
        chunk([1], bad)
    except ValueError:
        pass
    else:
        raise AssertionError("expected ValueError for size %d" % bad)
''')

P("python", "rotate_right", "lists", "easy", True,
  "Write a Python function `rotate_right(items: list, k: int) -> list` that returns a new list "
  "with the elements of `items` rotated `k` positions to the right (the last element moves to "
  "the front when k is 1). `k` may be larger than the length of the list, and a negative `k` "
  "rotates to the left. An empty list gives `[]`. Do not modify `items`.",
  r'''
def rotate_right(items, k):
    n = len(items)
    if n == 0:
        return []
    k %= n
    return items[n - k:] + items[:n - k]
''', r'''
def rotate_right(items, k):
    if not items:
        return []
    return items[-k:] + items[:-k]
''', r'''
a = [1, 2, 3, 4, 5]
assert rotate_right(a, 2) == [4, 5, 1, 2, 3]
assert rotate_right(a, 0) == [1, 2, 3, 4, 5]
assert rotate_right(a, 5) == [1, 2, 3, 4, 5]
assert rotate_right(a, 7) == [4, 5, 1, 2, 3]
assert rotate_right(a, -1) == [2, 3, 4, 5, 1]
assert rotate_right(a, -12) == [3, 4, 5, 1, 2]
assert rotate_right([], 3) == []
assert rotate_right([9], 100) == [9]
assert a == [1, 2, 3, 4, 5]
''')

P("python", "second_largest", "lists", "easy", True,
  "Write a Python function `second_largest(nums: list[int])` that returns the second largest "
  "*distinct* value in `nums`, or `None` when there are fewer than two distinct values.",
  r'''
def second_largest(nums):
    s = sorted(set(nums))
    return s[-2] if len(s) >= 2 else None
''', r'''
def second_largest(nums):
    if len(nums) < 2:
        return None
    return sorted(nums)[-2]
''', r'''
assert second_largest([3, 1, 2]) == 2
assert second_largest([5, 5, 4]) == 4
assert second_largest([2, 2, 3, 3]) == 2
assert second_largest([-1, -2, -3]) == -2
assert second_largest([5, 5]) is None
assert second_largest([7]) is None
assert second_largest([]) is None
''')

P("python", "is_palindrome", "strings", "easy", True,
  "Write a Python function `is_palindrome(s: str) -> bool` that tells whether `s` reads the same "
  "forwards and backwards when only its alphanumeric characters are kept (as decided by "
  "`str.isalnum`, so Unicode letters and digits count) and case is ignored (compare "
  "`str.lower()` of each character). The empty string is a palindrome.",
  r'''
def is_palindrome(s):
    t = [c.lower() for c in s if c.isalnum()]
    return t == t[::-1]
''', r'''
def is_palindrome(s):
    t = [c.lower() for c in s if c.isalpha()]
    return t == t[::-1]
''', r'''
assert is_palindrome("A man, a plan, a canal: Panama") is True
assert is_palindrome("") is True
assert is_palindrome("race a car") is False
assert is_palindrome("No 'x' in Nixon") is True
assert is_palindrome("12321") is True
assert is_palindrome("1a2") is False
assert is_palindrome("ab2a") is False
assert is_palindrome("\u00c9t\u00e9") is True
''')

P("python", "rle_encode", "strings", "easy", True,
  "Write a Python function `rle_encode(s: str) -> str` that run-length encodes `s`: each maximal "
  "run of the same character becomes the character followed by the run length in decimal. "
  "Example: `\"aaabccdddd\"` -> `\"a3b1c2d4\"`. The input contains no digits; the empty string "
  "encodes to the empty string.",
  r'''
def rle_encode(s):
    out = []
    i = 0
    while i < len(s):
        j = i
        while j < len(s) and s[j] == s[i]:
            j += 1
        out.append(s[i] + str(j - i))
        i = j
    return "".join(out)
''', r'''
def rle_encode(s):
    if not s:
        return ""
    out = []
    run = 1
    for i in range(1, len(s)):
        if s[i] == s[i - 1]:
            run += 1
        else:
            out.append(s[i - 1] + str(run))
            run = 1
    return "".join(out)
''', r'''
assert rle_encode("aaabccdddd") == "a3b1c2d4"
assert rle_encode("") == ""
assert rle_encode("a") == "a1"
assert rle_encode("ab") == "a1b1"
assert rle_encode("\u00e9" * 12 + "x") == "\u00e912x1"
assert rle_encode("  ") == " 2"
''')

P("python", "rle_decode", "strings", "medium", True,
  "Write a Python function `rle_decode(s: str) -> str` that decodes run-length encoded text: `s` "
  "is a sequence of pairs, each a single non-digit character followed by a decimal count "
  "(one or more ASCII digits, possibly 0 or more than 9). Each pair stands for the character "
  "repeated count times. Example: `\"a12b1\"` -> 12 `a`s followed by `b`. The empty string "
  "decodes to the empty string.",
  r'''
def rle_decode(s):
    out = []
    i = 0
    while i < len(s):
        ch = s[i]
        i += 1
        j = i
        while j < len(s) and "0" <= s[j] <= "9":
            j += 1
        out.append(ch * int(s[i:j]))
        i = j
    return "".join(out)
''', r'''
def rle_decode(s):
    return "".join(s[i] * int(s[i + 1]) for i in range(0, len(s), 2))
''', r'''
assert rle_decode("a3b1") == "aaab"
assert rle_decode("") == ""
assert rle_decode("a12b1") == "a" * 12 + "b"
assert rle_decode("x0y2") == "yy"
assert rle_decode("\u00e92 1!3") == "\u00e9\u00e9 !!!"
assert rle_decode("z100") == "z" * 100
''')

P("python", "int_to_roman", "conversion", "medium", False,
  "Write a Python function `int_to_roman(n: int) -> str` that returns the standard Roman numeral "
  "for `n` (1 <= n <= 3999), using subtractive forms (IV, IX, XL, XC, CD, CM), e.g. 1994 -> "
  "`\"MCMXCIV\"`.",
  r'''
def int_to_roman(n):
    table = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
             (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, sym in table:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)
''', r'''
def int_to_roman(n):
    table = [(1000, "M"), (500, "D"), (100, "C"), (50, "L"), (10, "X"), (9, "IX"),
             (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, sym in table:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)
''', r'''
assert int_to_roman(1) == "I"
assert int_to_roman(4) == "IV"
assert int_to_roman(9) == "IX"
assert int_to_roman(14) == "XIV"
assert int_to_roman(40) == "XL"
assert int_to_roman(90) == "XC"
assert int_to_roman(400) == "CD"
assert int_to_roman(1994) == "MCMXCIV"
assert int_to_roman(2024) == "MMXXIV"
assert int_to_roman(3999) == "MMMCMXCIX"
''')

P("python", "first_index", "search", "medium", True,
  "Write a Python function `first_index(a: list[int], x: int) -> int` that returns the index of "
  "the *first* occurrence of `x` in the list `a`, which is sorted in non-decreasing order and "
  "may contain duplicates, or -1 if `x` does not occur. Use binary search (O(log n) "
  "comparisons).",
  r'''
def first_index(a, x):
    lo, hi = 0, len(a)
    while lo < hi:
        mid = (lo + hi) // 2
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(a) and a[lo] == x else -1
''', r'''
def first_index(a, x):
    lo, hi = 0, len(a) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        if a[mid] == x:
            return mid
        if a[mid] < x:
            lo = mid + 1
        else:
            hi = mid - 1
    return -1
''', r'''
assert first_index([1, 2, 2, 2, 3], 2) == 1
assert first_index([1, 1, 1, 1, 1, 1, 1], 1) == 0
assert first_index([], 5) == -1
assert first_index([5], 5) == 0
assert first_index([1, 3, 5], 0) == -1
assert first_index([1, 3, 5], 6) == -1
assert first_index([1, 3, 5], 4) == -1
assert first_index([-5, -5, 0, 0, 0, 7], 0) == 2
big = [0] * 1000 + [1] * 1000
assert first_index(big, 1) == 1000
''')

P("python", "merge_intervals", "intervals", "medium", True,
  "Write a Python function `merge_intervals(intervals: list[list[int]]) -> list[list[int]]`. "
  "Each interval is `[start, end]` with start <= end (closed interval). The input may be in any "
  "order. Merge all intervals that overlap or touch (share an endpoint, like [1, 3] and [3, 5]) "
  "and return the merged intervals as a list of `[start, end]` lists sorted by start. Do not "
  "modify the input.",
  r'''
def merge_intervals(intervals):
    out = []
    for s, e in sorted(intervals):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out
''', r'''
def merge_intervals(intervals):
    out = []
    for s, e in sorted(intervals):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out
''', r'''
assert merge_intervals([[1, 3], [2, 6], [8, 10], [15, 18]]) == [[1, 6], [8, 10], [15, 18]]
assert merge_intervals([[1, 4], [4, 5]]) == [[1, 5]]
assert merge_intervals([]) == []
assert merge_intervals([[5, 7], [1, 2]]) == [[1, 2], [5, 7]]
assert merge_intervals([[1, 10], [2, 3]]) == [[1, 10]]
assert merge_intervals([[2, 2], [2, 2]]) == [[2, 2]]
assert merge_intervals([[-5, -1], [-1, 0]]) == [[-5, 0]]
src = [[3, 4], [1, 2]]
merge_intervals(src)
assert src == [[3, 4], [1, 2]]
''')

P("python", "parse_int", "parsing", "hard", True,
  "Write a Python function `parse_int(s: str) -> int` that parses an integer like C's `atoi`, "
  "but with saturation: skip leading whitespace (only the characters space, tab, `\\n` and "
  "`\\r`), then accept an optional single `+` or `-`, then read as many ASCII digits `0`-`9` as "
  "follow, stopping at the first other character. If no digits were read, return 0. Clamp the "
  "result to the 32-bit signed range [-2147483648, 2147483647]. Do not use `int()` on the "
  "input directly.",
  r'''
def parse_int(s):
    i, n = 0, len(s)
    while i < n and s[i] in " \t\n\r":
        i += 1
    sign = 1
    if i < n and s[i] in "+-":
        if s[i] == "-":
            sign = -1
        i += 1
    v = 0
    while i < n and "0" <= s[i] <= "9":
        v = v * 10 + ord(s[i]) - 48
        i += 1
    v *= sign
    return max(-2 ** 31, min(2 ** 31 - 1, v))
''', r'''
def parse_int(s):
    i, n = 0, len(s)
    while i < n and s[i] in " \t\n\r":
        i += 1
    sign = 1
    if i < n and s[i] in "+-":
        if s[i] == "-":
            sign = -1
        i += 1
    v = 0
    while i < n and "0" <= s[i] <= "9":
        v = v * 10 + ord(s[i]) - 48
        i += 1
    v = min(v, 2 ** 31 - 1)
    return sign * v
''', r'''
assert parse_int("42") == 42
assert parse_int("   -42") == -42
assert parse_int("4193 with words") == 4193
assert parse_int("words 987") == 0
assert parse_int("") == 0
assert parse_int("-") == 0
assert parse_int("+-12") == 0
assert parse_int("\t\n 7") == 7
assert parse_int("  +0012a3") == 12
assert parse_int("2147483647") == 2147483647
assert parse_int("2147483648") == 2147483647
assert parse_int("91283472332") == 2147483647
assert parse_int("-2147483648") == -2147483648
assert parse_int("-91283472332") == -2147483648
assert parse_int("\u0663") == 0
''')

P("python", "is_balanced", "stacks", "easy", True,
  "Write a Python function `is_balanced(s: str) -> bool` that tells whether the brackets `()`, "
  "`[]` and `{}` in `s` are balanced and properly nested. All other characters are ignored; the "
  "empty string is balanced.",
  r'''
def is_balanced(s):
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    for c in s:
        if c in "([{":
            stack.append(c)
        elif c in pairs:
            if not stack or stack.pop() != pairs[c]:
                return False
    return not stack
''', r'''
def is_balanced(s):
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    for c in s:
        if c in "([{":
            stack.append(c)
        elif c in pairs:
            if not stack or stack.pop() != pairs[c]:
                return False
    return True
''', r'''
assert is_balanced("") is True
assert is_balanced("([]{})") is True
assert is_balanced("{[()()]}") is True
assert is_balanced("a(b)c") is True
assert is_balanced("(]") is False
assert is_balanced("([)]") is False
assert is_balanced("}") is False
assert is_balanced("((") is False
assert is_balanced("(()") is False
''')

P("python", "lcs_length", "dynamic-programming", "medium", False,
  "Write a Python function `lcs_length(a: str, b: str) -> int` that returns the length of the "
  "longest common subsequence of `a` and `b` (characters need not be contiguous). Inputs have "
  "at most 1000 characters each.",
  r'''
def lcs_length(a, b):
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b):
            cur.append(prev[j] + 1 if ca == cb else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]
''', r'''
def lcs_length(a, b):
    best = 0
    dp = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                dp[i][j] = dp[i - 1][j - 1] + 1
                best = max(best, dp[i][j])
    return best
''', r'''
assert lcs_length("abcde", "ace") == 3
assert lcs_length("", "abc") == 0
assert lcs_length("abc", "abc") == 3
assert lcs_length("abc", "def") == 0
assert lcs_length("AGGTAB", "GXTXAYB") == 4
assert lcs_length("a" * 1000, "a" * 1000) == 1000
''')

P("python", "edit_distance", "dynamic-programming", "medium", True,
  "Write a Python function `edit_distance(a: str, b: str) -> int` that returns the Levenshtein "
  "distance between `a` and `b`: the minimum number of single-character insertions, deletions "
  "and substitutions that turn `a` into `b`. Either string may be empty.",
  r'''
def edit_distance(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
''', r'''
def edit_distance(a, b):
    prev = [0] * (len(b) + 1)
    for i, ca in enumerate(a, 1):
        cur = [0]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]
''', r'''
assert edit_distance("kitten", "sitting") == 3
assert edit_distance("", "") == 0
assert edit_distance("", "abc") == 3
assert edit_distance("abc", "") == 3
assert edit_distance("flaw", "lawn") == 2
assert edit_distance("same", "same") == 0
assert edit_distance("ab", "ba") == 2
''')

P("python", "max_subarray_sum", "arrays", "easy", True,
  "Write a Python function `max_subarray_sum(nums: list[int]) -> int` that returns the largest "
  "sum of a non-empty contiguous subarray of `nums` (which is non-empty and may contain only "
  "negative numbers).",
  r'''
def max_subarray_sum(nums):
    best = cur = nums[0]
    for x in nums[1:]:
        cur = max(x, cur + x)
        best = max(best, cur)
    return best
''', r'''
def max_subarray_sum(nums):
    best = cur = 0
    for x in nums:
        cur = max(0, cur + x)
        best = max(best, cur)
    return best
''', r'''
assert max_subarray_sum([-2, 1, -3, 4, -1, 2, 1, -5, 4]) == 6
assert max_subarray_sum([5]) == 5
assert max_subarray_sum([2, -1, 2]) == 3
assert max_subarray_sum([0, -1]) == 0
assert max_subarray_sum([-3, -1, -2]) == -1
assert max_subarray_sum([-7]) == -7
''')

P("python", "two_sum", "hashing", "medium", True,
  "Write a Python function `two_sum(nums: list[int], target: int)` that returns a tuple `(i, j)` "
  "of indices with i < j and nums[i] + nums[j] == target, or `None` if there is no such pair. "
  "If several pairs exist, return the one with the smallest j, and among those the smallest i. "
  "An element cannot be paired with itself. Aim for O(n) time.",
  r'''
def two_sum(nums, target):
    first = {}
    for j, x in enumerate(nums):
        if target - x in first:
            return (first[target - x], j)
        if x not in first:
            first[x] = j
    return None
''', r'''
def two_sum(nums, target):
    seen = {}
    for j, x in enumerate(nums):
        if target - x in seen:
            return (seen[target - x], j)
        seen[x] = j
    return None
''', r'''
assert two_sum([2, 7, 11, 15], 9) == (0, 1)
assert two_sum([3, 3], 6) == (0, 1)
assert two_sum([1, 2], 7) is None
assert two_sum([], 0) is None
assert two_sum([5], 10) is None
assert two_sum([1, 1, 2], 3) == (0, 2)
assert two_sum([-1, 4, 0, -4], 0) == (1, 3)
assert two_sum([4, 1, 4, 1, 3], 5) == (0, 1)
''')

P("python", "count_primes_below", "number-theory", "easy", True,
  "Write a Python function `count_primes_below(n: int) -> int` that returns how many primes p "
  "satisfy p < n (strictly less). `n` may be 0, 1 or negative, and as large as 2,000,000, so "
  "use a sieve.",
  r'''
def count_primes_below(n):
    if n < 3:
        return 0
    sieve = bytearray([1]) * n
    sieve[0] = sieve[1] = 0
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytearray(len(range(i * i, n, i)))
    return sum(sieve)
''', r'''
def count_primes_below(n):
    if n < 2:
        return 0
    sieve = bytearray([1]) * (n + 1)
    sieve[0] = sieve[1] = 0
    for i in range(2, int(n ** 0.5) + 1):
        if sieve[i]:
            sieve[i * i::i] = bytearray(len(range(i * i, n + 1, i)))
    return sum(sieve)
''', r'''
assert count_primes_below(10) == 4
assert count_primes_below(11) == 4
assert count_primes_below(12) == 5
assert count_primes_below(100) == 25
assert count_primes_below(3) == 1
assert count_primes_below(2) == 0
assert count_primes_below(0) == 0
assert count_primes_below(-5) == 0
assert count_primes_below(1000000) == 78498
''')

P("python", "normalize_path", "strings", "medium", True,
  "Write a Python function `normalize_path(path: str) -> str` for absolute POSIX paths (`path` "
  "always starts with `/`). Collapse repeated slashes, drop `.` components, let `..` remove the "
  "previous component (`..` at the root stays at the root), and drop any trailing slash. The "
  "root is `\"/\"`. Names such as `...` or `.hidden` are ordinary names. Do not use `os.path` "
  "or `pathlib`.",
  r'''
def normalize_path(path):
    parts = []
    for p in path.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            if parts:
                parts.pop()
        else:
            parts.append(p)
    return "/" + "/".join(parts)
''', r'''
def normalize_path(path):
    parts = []
    for p in path.split("/"):
        if p in ("", "."):
            continue
        if p == "..":
            parts.pop()
        else:
            parts.append(p)
    return "/" + "/".join(parts)
''', r'''
assert normalize_path("/a/./b/../c/") == "/a/c"
assert normalize_path("/") == "/"
assert normalize_path("//a//b") == "/a/b"
assert normalize_path("/.../a") == "/.../a"
assert normalize_path("/a/.b") == "/a/.b"
assert normalize_path("/../x") == "/x"
assert normalize_path("/a/b/../../..") == "/"
''')

P("python", "top_k_chars", "hashing", "medium", True,
  "Write a Python function `top_k_chars(s: str, k: int) -> list[str]` that returns the `k` most "
  "frequent characters of `s` (k >= 0), most frequent first; characters with equal counts are "
  "ordered by code point, smallest first. If `s` has fewer than `k` distinct characters, "
  "return all of them.",
  r'''
from collections import Counter


def top_k_chars(s, k):
    c = Counter(s)
    return sorted(c, key=lambda ch: (-c[ch], ch))[:k]
''', r'''
from collections import Counter


def top_k_chars(s, k):
    return [ch for ch, _ in Counter(s).most_common(k)]
''', r'''
assert top_k_chars("banana", 2) == ["a", "n"]
assert top_k_chars("bbaacc", 2) == ["a", "b"]
assert top_k_chars("", 3) == []
assert top_k_chars("cba", 5) == ["a", "b", "c"]
assert top_k_chars("zzyyx", 0) == []
assert top_k_chars("\u00e9e\u00e9", 1) == ["\u00e9"]
''')

P("python", "reverse_text", "unicode", "hard", True,
  "Write a Python function `reverse_text(s: str) -> str` that reverses `s` while keeping "
  "combining marks attached to their base character. Split `s` into clusters: a cluster is a "
  "character followed by all combining characters (those with `unicodedata.combining(ch) != 0`) "
  "directly after it; combining characters at the very start of the string form a cluster of "
  "their own. Return the clusters in reverse order, each cluster unchanged. Do not normalize "
  "the string. Example: `\"e\\u0301a\"` -> `\"ae\\u0301\"`.",
  r'''
import unicodedata


def reverse_text(s):
    clusters = []
    for ch in s:
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return "".join(reversed(clusters))
''', r'''
import unicodedata


def reverse_text(s):
    return unicodedata.normalize("NFC", s)[::-1]
''', r'''
assert reverse_text("abc") == "cba"
assert reverse_text("") == ""
assert reverse_text("e\u0301a") == "ae\u0301"
assert reverse_text("xq\u0307\u0323y") == "yq\u0307\u0323x"
assert reverse_text("\u0301ab") == "ba\u0301"
assert reverse_text("a\U0001F600b") == "b\U0001F600a"
''')

P("python", "spiral_order", "matrices", "medium", True,
  "Write a Python function `spiral_order(matrix: list[list[int]]) -> list[int]` that returns the "
  "elements of a rectangular matrix in clockwise spiral order, starting at the top-left corner "
  "and going right first. `[]` and `[[]]` give `[]`; single rows and single columns are "
  "allowed.",
  r'''
def spiral_order(matrix):
    out = []
    if not matrix or not matrix[0]:
        return out
    top, bottom, left, right = 0, len(matrix) - 1, 0, len(matrix[0]) - 1
    while top <= bottom and left <= right:
        for j in range(left, right + 1):
            out.append(matrix[top][j])
        for i in range(top + 1, bottom + 1):
            out.append(matrix[i][right])
        if top < bottom:
            for j in range(right - 1, left - 1, -1):
                out.append(matrix[bottom][j])
        if left < right:
            for i in range(bottom - 1, top, -1):
                out.append(matrix[i][left])
        top, bottom, left, right = top + 1, bottom - 1, left + 1, right - 1
    return out
''', r'''
def spiral_order(matrix):
    out = []
    if not matrix or not matrix[0]:
        return out
    top, bottom, left, right = 0, len(matrix) - 1, 0, len(matrix[0]) - 1
    while top <= bottom and left <= right:
        for j in range(left, right + 1):
            out.append(matrix[top][j])
        for i in range(top + 1, bottom + 1):
            out.append(matrix[i][right])
        for j in range(right - 1, left - 1, -1):
            out.append(matrix[bottom][j])
        for i in range(bottom - 1, top, -1):
            out.append(matrix[i][left])
        top, bottom, left, right = top + 1, bottom - 1, left + 1, right - 1
    return out
''', r'''
assert spiral_order([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) == [1, 2, 3, 6, 9, 8, 7, 4, 5]
assert spiral_order([[1, 2], [3, 4]]) == [1, 2, 4, 3]
assert spiral_order([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]) == [1, 2, 3, 4, 8, 12, 11, 10, 9, 5, 6, 7]
assert spiral_order([]) == []
assert spiral_order([[]]) == []
assert spiral_order([[1, 2, 3]]) == [1, 2, 3]
assert spiral_order([[1], [2], [3]]) == [1, 2, 3]
assert spiral_order([[7]]) == [7]
''')

P("python", "is_valid_ipv4", "parsing", "medium", True,
  "Write a Python function `is_valid_ipv4(s: str) -> bool` that tells whether `s` is a dotted "
  "decimal IPv4 address: exactly four fields separated by `.`, each field 1 to 3 ASCII digits "
  "(`0`-`9` only) with a value from 0 to 255 and no leading zero unless the field is exactly "
  "`0`. No whitespace, signs or other characters are allowed anywhere.",
  r'''
def is_valid_ipv4(s):
    parts = s.split(".")
    if len(parts) != 4:
        return False
    for p in parts:
        if not 1 <= len(p) <= 3 or any(c not in "0123456789" for c in p):
            return False
        if p[0] == "0" and len(p) > 1:
            return False
        if int(p) > 255:
            return False
    return True
''', r'''
def is_valid_ipv4(s):
    parts = s.split(".")
    if len(parts) != 4:
        return False
    for p in parts:
        if not p.isdigit() or int(p) > 255:
            return False
        if len(p) > 1 and p[0] == "0":
            return False
    return True
''', r'''
assert is_valid_ipv4("192.168.0.1") is True
assert is_valid_ipv4("255.255.255.255") is True
assert is_valid_ipv4("0.0.0.0") is True
assert is_valid_ipv4("256.1.1.1") is False
assert is_valid_ipv4("01.2.3.4") is False
assert is_valid_ipv4("1.2.3") is False
assert is_valid_ipv4("1.2.3.4.5") is False
assert is_valid_ipv4("") is False
assert is_valid_ipv4("1..2.3") is False
assert is_valid_ipv4(" 1.2.3.4") is False
assert is_valid_ipv4("+1.2.3.4") is False
assert is_valid_ipv4("1.2.3.4\n") is False
assert is_valid_ipv4("\u0661.2.3.4") is False
''')

P("python", "median", "statistics", "easy", True,
  "Write a Python function `median(nums: list)` that returns the median of a list of numbers: "
  "for an odd count, the middle value of the sorted list; for an even count, the mean of the "
  "two middle values as a float. Raise `ValueError` for an empty list. Do not modify `nums`.",
  r'''
def median(nums):
    if not nums:
        raise ValueError("median of empty list")
    s = sorted(nums)
    n = len(s)
    if n % 2:
        return s[n // 2]
    return (s[n // 2 - 1] + s[n // 2]) / 2
''', r'''
def median(nums):
    if not nums:
        raise ValueError("median of empty list")
    s = sorted(nums)
    return s[len(s) // 2]
''', r'''
assert median([3, 1, 2]) == 2
assert median([5]) == 5
assert median([7, 7, 7]) == 7
assert median([4, 1, 3, 2]) == 2.5
assert median([-1, -3]) == -2.0
assert median([1, 1, 2, 2]) == 1.5
data = [9, 1, 5]
median(data)
assert data == [9, 1, 5]
try:
    median([])
except ValueError:
    pass
else:
    raise AssertionError("expected ValueError")
''')

P("python", "format_duration", "strings", "medium", False,
  "Write a Python function `format_duration(seconds: int) -> str` for seconds >= 0 that returns a "
  "human-readable duration using the units year (365 days), day, hour, minute and second. "
  "Show only units with a non-zero count, largest first, as `\"<count> <unit>\"` with the unit "
  "in plural when count != 1. Join two parts with `\" and \"`; with three or more, join all "
  "but the last with `\", \"` and put `\" and \"` before the last. Zero seconds is `\"now\"`. "
  "Example: 3662 -> `\"1 hour, 1 minute and 2 seconds\"`.",
  r'''
def format_duration(seconds):
    if seconds == 0:
        return "now"
    units = [("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)]
    parts = []
    for name, size in units:
        n, seconds = divmod(seconds, size)
        if n:
            parts.append("%d %s%s" % (n, name, "" if n == 1 else "s"))
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
''', r'''
def format_duration(seconds):
    if seconds == 0:
        return "now"
    units = [("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)]
    parts = []
    for name, size in units:
        n, seconds = divmod(seconds, size)
        if n:
            parts.append("%d %s%s" % (n, name, "" if n == 1 else "s"))
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " and " + parts[-1]
''', r'''
assert format_duration(0) == "now"
assert format_duration(1) == "1 second"
assert format_duration(62) == "1 minute and 2 seconds"
assert format_duration(120) == "2 minutes"
assert format_duration(3662) == "1 hour, 1 minute and 2 seconds"
assert format_duration(86400) == "1 day"
assert format_duration(31536000) == "1 year"
assert format_duration(31536000 + 2 * 86400 + 5) == "1 year, 2 days and 5 seconds"
assert format_duration(400 * 86400) == "1 year and 35 days"
''')

P("python", "add_business_days", "dates", "medium", True,
  "Write a Python function `add_business_days(date_str: str, n: int) -> str`. `date_str` is an "
  "ISO date `YYYY-MM-DD` and n >= 0. Return the ISO date reached by moving forward `n` business "
  "days, where business days are Monday to Friday (no holidays): step one calendar day at a "
  "time and count only the weekdays you land on. With n == 0, return the date unchanged (even "
  "on a weekend). Example: Friday 2024-03-01 plus 1 -> `\"2024-03-04\"`.",
  r'''
from datetime import date, timedelta


def add_business_days(date_str, n):
    d = date.fromisoformat(date_str)
    while n > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            n -= 1
    return d.isoformat()
''', r'''
from datetime import date, timedelta


def add_business_days(date_str, n):
    d = date.fromisoformat(date_str)
    weeks, rest = divmod(n, 5)
    d += timedelta(weeks=weeks)
    while rest > 0:
        d += timedelta(days=1)
        if d.weekday() < 5:
            rest -= 1
    return d.isoformat()
''', r'''
assert add_business_days("2024-03-01", 1) == "2024-03-04"
assert add_business_days("2024-03-04", 5) == "2024-03-11"
assert add_business_days("2024-03-02", 0) == "2024-03-02"
assert add_business_days("2024-03-03", 1) == "2024-03-04"
assert add_business_days("2024-02-28", 2) == "2024-03-01"
assert add_business_days("2023-12-29", 1) == "2024-01-01"
assert add_business_days("2024-03-06", 7) == "2024-03-15"
assert add_business_days("2024-03-02", 5) == "2024-03-08"
''')

P("python", "grid_shortest_path", "graphs", "medium", True,
  "Write a Python function `grid_shortest_path(grid: list[str]) -> int`. The grid is a list of "
  "equal-length strings of `.` (open) and `#` (wall). Moving up, down, left or right between "
  "open cells costs 1 step. Return the fewest steps from the top-left cell to the bottom-right "
  "cell, or -1 if it cannot be done, including when either of those cells is a wall or the grid "
  "is empty. A 1x1 open grid needs 0 steps.",
  r'''
from collections import deque


def grid_shortest_path(grid):
    if not grid or not grid[0]:
        return -1
    h, w = len(grid), len(grid[0])
    if grid[0][0] != "." or grid[h - 1][w - 1] != ".":
        return -1
    dist = {(0, 0): 0}
    q = deque([(0, 0)])
    while q:
        r, c = q.popleft()
        if (r, c) == (h - 1, w - 1):
            return dist[(r, c)]
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < h and 0 <= nc < w and grid[nr][nc] == "." and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                q.append((nr, nc))
    return -1
''', r'''
from collections import deque


def grid_shortest_path(grid):
    if not grid or not grid[0]:
        return -1
    h, w = len(grid), len(grid[0])
    dist = {(0, 0): 0}
    q = deque([(0, 0)])
    while q:
        r, c = q.popleft()
        if (r, c) == (h - 1, w - 1):
            return dist[(r, c)]
        for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            nr, nc = r + dr, c + dc
            if 0 <= nr < h and 0 <= nc < w and grid[nr][nc] == "." and (nr, nc) not in dist:
                dist[(nr, nc)] = dist[(r, c)] + 1
                q.append((nr, nc))
    return -1
''', r'''
assert grid_shortest_path(["..", ".."]) == 2
assert grid_shortest_path(["."]) == 0
assert grid_shortest_path(["#"]) == -1
assert grid_shortest_path([]) == -1
assert grid_shortest_path([".#", "#."]) == -1
assert grid_shortest_path(["...", "##.", "..."]) == 4
assert grid_shortest_path(["..#", ".#.", "..."]) == 4
assert grid_shortest_path([".", "#"]) == -1
assert grid_shortest_path(["#."]) == -1
assert grid_shortest_path(["#..", "...", "..."]) == -1
''')

P("python", "count_change_ways", "dynamic-programming", "medium", False,
  "Write a Python function `count_change_ways(amount: int, coins: list[int]) -> int` that returns "
  "the number of different ways to make `amount` from coins with the given distinct positive "
  "denominations, using each denomination any number of times. Ways that differ only in order "
  "count once. There is exactly 1 way to make 0 (even with no coins); a negative amount has 0 "
  "ways.",
  r'''
def count_change_ways(amount, coins):
    if amount < 0:
        return 0
    ways = [1] + [0] * amount
    for c in coins:
        for v in range(c, amount + 1):
            ways[v] += ways[v - c]
    return ways[amount]
''', r'''
def count_change_ways(amount, coins):
    if amount < 0:
        return 0
    ways = [1] + [0] * amount
    for v in range(1, amount + 1):
        for c in coins:
            if c <= v:
                ways[v] += ways[v - c]
    return ways[amount]
''', r'''
assert count_change_ways(5, [1, 2, 5]) == 4
assert count_change_ways(3, [2]) == 0
assert count_change_ways(0, [7]) == 1
assert count_change_ways(0, []) == 1
assert count_change_ways(7, []) == 0
assert count_change_ways(10, [10]) == 1
assert count_change_ways(100, [1, 5, 10, 25, 50]) == 292
assert count_change_ways(-1, [1]) == 0
''')

P("python", "min_coins", "dynamic-programming", "medium", False,
  "Write a Python function `min_coins(amount: int, coins: list[int]) -> int` that returns the "
  "fewest coins (denominations are distinct positive integers, each usable any number of "
  "times) that add up exactly to `amount` >= 0, or -1 if it is impossible. 0 needs 0 coins.",
  r'''
def min_coins(amount, coins):
    inf = amount + 1
    best = [0] + [inf] * amount
    for v in range(1, amount + 1):
        for c in coins:
            if c <= v and best[v - c] + 1 < best[v]:
                best[v] = best[v - c] + 1
    return best[amount] if best[amount] <= amount else -1
''', r'''
def min_coins(amount, coins):
    count = 0
    for c in sorted(coins, reverse=True):
        count += amount // c
        amount %= c
    return count if amount == 0 else -1
''', r'''
assert min_coins(11, [1, 2, 5]) == 3
assert min_coins(3, [2]) == -1
assert min_coins(0, [1]) == 0
assert min_coins(7, [2, 5]) == 2
assert min_coins(6, [1, 3, 4]) == 2
assert min_coins(6, [4, 3]) == 2
assert min_coins(30, [25, 10, 1]) == 3
''')

P("python", "lis_length", "dynamic-programming", "medium", True,
  "Write a Python function `lis_length(nums: list[int]) -> int` that returns the length of the "
  "longest *strictly* increasing subsequence of `nums` (0 for an empty list). Lists may have up "
  "to 100,000 elements, so aim for O(n log n).",
  r'''
from bisect import bisect_left


def lis_length(nums):
    tails = []
    for x in nums:
        i = bisect_left(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)
''', r'''
from bisect import bisect_right


def lis_length(nums):
    tails = []
    for x in nums:
        i = bisect_right(tails, x)
        if i == len(tails):
            tails.append(x)
        else:
            tails[i] = x
    return len(tails)
''', r'''
assert lis_length([10, 9, 2, 5, 3, 7, 101, 18]) == 4
assert lis_length([]) == 0
assert lis_length([5, 4, 3]) == 1
assert lis_length([-1, 0, -1, 1]) == 3
assert lis_length([7, 7, 7]) == 1
assert lis_length([1, 2, 2, 3]) == 3
assert lis_length(list(range(100000))) == 100000
''')

P("python", "next_permutation", "combinatorics", "hard", True,
  "Write a Python function `next_permutation(nums: list[int]) -> list[int]` that returns a new "
  "list holding the next permutation of `nums` in lexicographic order. The list may contain "
  "duplicate values (the next permutation is the next distinct arrangement). If `nums` is "
  "already the largest arrangement, return the smallest one (sorted ascending). Do not modify "
  "`nums`.",
  r'''
def next_permutation(nums):
    a = list(nums)
    i = len(a) - 2
    while i >= 0 and a[i] >= a[i + 1]:
        i -= 1
    if i >= 0:
        j = len(a) - 1
        while a[j] <= a[i]:
            j -= 1
        a[i], a[j] = a[j], a[i]
    a[i + 1:] = reversed(a[i + 1:])
    return a
''', r'''
def next_permutation(nums):
    a = list(nums)
    i = len(a) - 2
    while i >= 0 and a[i] >= a[i + 1]:
        i -= 1
    if i >= 0:
        j = len(a) - 1
        while a[j] < a[i]:
            j -= 1
        a[i], a[j] = a[j], a[i]
    a[i + 1:] = reversed(a[i + 1:])
    return a
''', r'''
assert next_permutation([1, 2, 3]) == [1, 3, 2]
assert next_permutation([1, 3, 2]) == [2, 1, 3]
assert next_permutation([3, 2, 1]) == [1, 2, 3]
assert next_permutation([1, 1, 5]) == [1, 5, 1]
assert next_permutation([1, 5, 1]) == [5, 1, 1]
assert next_permutation([2, 2]) == [2, 2]
assert next_permutation([]) == []
assert next_permutation([7]) == [7]
src = [1, 2]
next_permutation(src)
assert src == [1, 2]
''')

P("python", "to_base", "conversion", "easy", True,
  "Write a Python function `to_base(n: int, base: int) -> str` that writes the integer `n` in the "
  "given base (2 <= base <= 36) using digits `0`-`9` then lowercase `a`-`z`, with a leading `-` "
  "for negative numbers. Zero is `\"0\"`.",
  r'''
def to_base(n, base):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    if n == 0:
        return "0"
    sign = "-" if n < 0 else ""
    n = abs(n)
    out = []
    while n:
        n, r = divmod(n, base)
        out.append(digits[r])
    return sign + "".join(reversed(out))
''', r'''
def to_base(n, base):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    sign = "-" if n < 0 else ""
    n = abs(n)
    out = []
    while n:
        n, r = divmod(n, base)
        out.append(digits[r])
    return sign + "".join(reversed(out))
''', r'''
assert to_base(10, 2) == "1010"
assert to_base(-255, 16) == "-ff"
assert to_base(35, 36) == "z"
assert to_base(36, 36) == "10"
assert to_base(7, 7) == "10"
assert to_base(-1, 2) == "-1"
assert to_base(2 ** 70, 16) == "4" + "0" * 17
assert to_base(0, 2) == "0"
''')

P("python", "eval_rpn", "stacks", "medium", True,
  "Write a Python function `eval_rpn(tokens: list[str]) -> int` that evaluates an expression in "
  "reverse Polish notation. Tokens are integers (possibly negative, like `\"-3\"`) or one of "
  "`+`, `-`, `*`, `/`. Division is integer division that truncates toward zero (like C), not "
  "floor division. The expression is always valid and never divides by zero.",
  r'''
def eval_rpn(tokens):
    stack = []
    for t in tokens:
        if t in ("+", "-", "*", "/"):
            b = stack.pop()
            a = stack.pop()
            if t == "+":
                stack.append(a + b)
            elif t == "-":
                stack.append(a - b)
            elif t == "*":
                stack.append(a * b)
            else:
                q = abs(a) // abs(b)
                stack.append(-q if (a < 0) != (b < 0) else q)
        else:
            stack.append(int(t))
    return stack[-1]
''', r'''
def eval_rpn(tokens):
    stack = []
    for t in tokens:
        if t in ("+", "-", "*", "/"):
            b = stack.pop()
            a = stack.pop()
            if t == "+":
                stack.append(a + b)
            elif t == "-":
                stack.append(a - b)
            elif t == "*":
                stack.append(a * b)
            else:
                stack.append(a // b)
        else:
            stack.append(int(t))
    return stack[-1]
''', r'''
assert eval_rpn(["2", "1", "+", "3", "*"]) == 9
assert eval_rpn(["4", "13", "5", "/", "+"]) == 6
assert eval_rpn(["5"]) == 5
assert eval_rpn(["3", "4", "-"]) == -1
assert eval_rpn(["10", "6", "9", "3", "+", "-11", "*", "/", "*", "17", "+", "5", "+"]) == 22
assert eval_rpn(["7", "-2", "/"]) == -3
assert eval_rpn(["-7", "2", "/"]) == -3
assert eval_rpn(["-7", "-2", "/"]) == 3
''')

P("python", "compare_versions", "parsing", "medium", True,
  "Write a Python function `compare_versions(a: str, b: str) -> int` that compares two version "
  "strings made of non-negative integers separated by dots (components may have leading zeros, "
  "so `\"1.01\"` equals `\"1.001\"`). Missing components count as 0, so `\"1.0\"` equals "
  "`\"1.0.0\"`. Return -1 if a < b, 0 if equal, 1 if a > b.",
  r'''
from itertools import zip_longest


def compare_versions(a, b):
    for x, y in zip_longest(a.split("."), b.split("."), fillvalue="0"):
        x, y = int(x), int(y)
        if x != y:
            return -1 if x < y else 1
    return 0
''', r'''
def compare_versions(a, b):
    for x, y in zip(a.split("."), b.split(".")):
        x, y = int(x), int(y)
        if x != y:
            return -1 if x < y else 1
    return 0
''', r'''
assert compare_versions("1.0", "1.0.0") == 0
assert compare_versions("1.01", "1.001") == 0
assert compare_versions("1.2", "1.10") == -1
assert compare_versions("0.1", "1.1") == -1
assert compare_versions("2", "1.9.9") == 1
assert compare_versions("1.0.1", "1.0") == 1
assert compare_versions("1", "1.0.0.0.1") == -1
''')

P("python", "split_csv_line", "parsing", "hard", True,
  "Write a Python function `split_csv_line(line: str) -> list[str]` that splits one CSV line into "
  "fields. Fields are separated by commas. A field that starts with a double quote is quoted: it "
  "runs to the matching closing quote, may contain commas, and `\"\"` inside it stands for one "
  "literal `\"`; the quotes themselves are not part of the value (a closing quote is always "
  "followed by a comma or the end of the line). Unquoted fields are taken literally, with no "
  "trimming. An empty line has one empty field. Do not use the `csv` module.",
  r'''
def split_csv_line(line):
    fields = []
    i, n = 0, len(line)
    while True:
        if i < n and line[i] == '"':
            i += 1
            buf = []
            while i < n:
                if line[i] == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        buf.append('"')
                        i += 2
                    else:
                        i += 1
                        break
                else:
                    buf.append(line[i])
                    i += 1
            j = line.find(",", i)
            if j < 0:
                j = n
            buf.append(line[i:j])
            fields.append("".join(buf))
        else:
            j = line.find(",", i)
            if j < 0:
                j = n
            fields.append(line[i:j])
        i = j
        if i >= n:
            break
        i += 1
    return fields
''', r'''
def split_csv_line(line):
    fields, buf, quoted = [], [], False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == "," and not quoted:
            fields.append("".join(buf))
            buf = []
        else:
            buf.append(c)
    fields.append("".join(buf))
    return fields
''', r'''
assert split_csv_line("a,b,c") == ["a", "b", "c"]
assert split_csv_line("") == [""]
assert split_csv_line("a,,b") == ["a", "", "b"]
assert split_csv_line(",") == ["", ""]
assert split_csv_line("a,") == ["a", ""]
assert split_csv_line('"x,y",z') == ["x,y", "z"]
assert split_csv_line('"",""') == ["", ""]
assert split_csv_line(" a , b ") == [" a ", " b "]
assert split_csv_line('"\u00e9,\u00fc",\u20ac') == ["\u00e9,\u00fc", "\u20ac"]
assert split_csv_line('"say ""hi""",2') == ['say "hi"', "2"]
assert split_csv_line('""""') == ['"']
''')

P("python", "percentages", "rounding", "hard", True,
  "Write a Python function `percentages(counts: list[int]) -> list[int]` that turns non-negative "
  "counts into whole percentages that add up to exactly 100, by the largest remainder method: "
  "give each item the floor of 100 * count / total, then hand out the points still missing, one "
  "each, to the items with the largest remainders (exact fractions, no floating point); ties go "
  "to the item with the lower index. If the total is 0 (or the list is empty), return all "
  "zeros.",
  r'''
def percentages(counts):
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    base = [100 * c // total for c in counts]
    rems = [100 * c % total for c in counts]
    left = 100 - sum(base)
    order = sorted(range(len(counts)), key=lambda i: (-rems[i], i))
    for i in order[:left]:
        base[i] += 1
    return base
''', r'''
def percentages(counts):
    total = sum(counts)
    if total == 0:
        return [0] * len(counts)
    return [round(100 * c / total) for c in counts]
''', r'''
assert percentages([1, 1, 2]) == [25, 25, 50]
assert percentages([1, 2]) == [33, 67]
assert percentages([5]) == [100]
assert percentages([0, 0]) == [0, 0]
assert percentages([]) == []
assert percentages([1, 1, 1]) == [34, 33, 33]
assert percentages([1, 1, 1, 1, 1, 1]) == [17, 17, 17, 17, 16, 16]
assert percentages([2, 0, 1]) == [67, 0, 33]
assert sum(percentages([3, 7, 11, 13, 17])) == 100
''')

P("python", "wrap_text", "strings", "medium", True,
  "Write a Python function `wrap_text(text: str, width: int) -> list[str]` that word-wraps `text` "
  "greedily. Words are the pieces of `text.split()`. Each line holds as many words as fit, "
  "separated by single spaces, with length at most `width` (a line of exactly `width` "
  "characters is fine). A word longer than `width` goes on a line of its own, unbroken. Text "
  "with no words gives `[]`.",
  r'''
def wrap_text(text, width):
    lines, cur = [], ""
    for w in text.split():
        if not cur:
            cur = w
        elif len(cur) + 1 + len(w) <= width:
            cur += " " + w
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines
''', r'''
def wrap_text(text, width):
    lines, cur = [], ""
    for w in text.split():
        if not cur:
            cur = w
        elif len(cur) + 1 + len(w) < width:
            cur += " " + w
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines
''', r'''
assert wrap_text("the quick brown fox", 10) == ["the quick", "brown fox"]
assert wrap_text("", 5) == []
assert wrap_text("   \n ", 5) == []
assert wrap_text("supercalifragilistic is long", 5) == ["supercalifragilistic", "is", "long"]
assert wrap_text("x", 1) == ["x"]
assert wrap_text("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]
assert wrap_text("a b c d", 3) == ["a b", "c d"]
''')

P("python", "caesar", "unicode", "easy", True,
  "Write a Python function `caesar(s: str, k: int) -> str` that shifts every ASCII letter (`A`-`Z`, "
  "`a`-`z`) of `s` by `k` places in the alphabet, wrapping around and keeping its case. `k` may "
  "be negative or larger than 26. Every other character, including non-ASCII letters such as "
  "`\u00e9` or `\u00df`, is left unchanged.",
  r'''
def caesar(s, k):
    out = []
    for c in s:
        if "a" <= c <= "z":
            out.append(chr((ord(c) - 97 + k) % 26 + 97))
        elif "A" <= c <= "Z":
            out.append(chr((ord(c) - 65 + k) % 26 + 65))
        else:
            out.append(c)
    return "".join(out)
''', r'''
def caesar(s, k):
    out = []
    for c in s:
        if c.isalpha():
            base = 65 if c.isupper() else 97
            out.append(chr((ord(c) - base + k) % 26 + base))
        else:
            out.append(c)
    return "".join(out)
''', r'''
assert caesar("abc", 1) == "bcd"
assert caesar("xyz", 3) == "abc"
assert caesar("Hello, World!", 13) == "Uryyb, Jbeyq!"
assert caesar("abc", -1) == "zab"
assert caesar("abc", 52) == "abc"
assert caesar("Zz", -27) == "Yy"
assert caesar("", 5) == ""
assert caesar("caf\u00e9", 1) == "dbg\u00e9"
assert caesar("Stra\u00dfe", 1) == "Tusb\u00dff"
''')

P("python", "add_months", "dates", "medium", True,
  "Write a Python function `add_months(date_str: str, months: int) -> str`. `date_str` is an ISO "
  "date `YYYY-MM-DD`; `months` may be negative. Return the ISO date the same day of the month "
  "`months` months later, clamped to the last day of the target month when that month is "
  "shorter (Gregorian leap years). The result is always within years 1..9999. Example: "
  "`(\"2024-01-31\", 1)` -> `\"2024-02-29\"`.",
  r'''
import calendar


def add_months(date_str, months):
    y, m, d = map(int, date_str.split("-"))
    y, m = divmod(y * 12 + (m - 1) + months, 12)
    m += 1
    d = min(d, calendar.monthrange(y, m)[1])
    return "%04d-%02d-%02d" % (y, m, d)
''', r'''
import calendar


def add_months(date_str, months):
    y, m, d = map(int, date_str.split("-"))
    m0 = m - 1 + months
    y += int(m0 / 12)
    m = m0 % 12 + 1
    d = min(d, calendar.monthrange(y, m)[1])
    return "%04d-%02d-%02d" % (y, m, d)
''', r'''
assert add_months("2024-01-31", 1) == "2024-02-29"
assert add_months("2023-01-31", 1) == "2023-02-28"
assert add_months("2000-01-31", 1) == "2000-02-29"
assert add_months("1900-01-31", 1) == "1900-02-28"
assert add_months("2023-12-31", 2) == "2024-02-29"
assert add_months("2024-05-10", 0) == "2024-05-10"
assert add_months("2024-03-31", -1) == "2024-02-29"
assert add_months("2024-01-15", -1) == "2023-12-15"
assert add_months("2024-01-31", -13) == "2022-12-31"
assert add_months("0005-06-30", 18) == "0006-12-30"
''')

P("python", "count_inversions", "sorting", "hard", True,
  "Write a Python function `count_inversions(nums: list[int]) -> int` that returns the number of "
  "pairs (i, j) with i < j and nums[i] > nums[j]. Equal values are not an inversion. Lists may "
  "have up to 100,000 elements and the check has a time limit, so an O(n^2) approach is too "
  "slow.",
  r'''
def count_inversions(nums):
    a = list(nums)
    n = len(a)
    inv = 0
    width = 1
    while width < n:
        out = []
        for lo in range(0, n, 2 * width):
            left = a[lo:lo + width]
            right = a[lo + width:lo + 2 * width]
            i = j = 0
            while i < len(left) and j < len(right):
                if left[i] <= right[j]:
                    out.append(left[i])
                    i += 1
                else:
                    out.append(right[j])
                    j += 1
                    inv += len(left) - i
            out.extend(left[i:])
            out.extend(right[j:])
        a = out
        width *= 2
    return inv
''', r'''
def count_inversions(nums):
    a = list(nums)
    n = len(a)
    inv = 0
    width = 1
    while width < n:
        out = []
        for lo in range(0, n, 2 * width):
            left = a[lo:lo + width]
            right = a[lo + width:lo + 2 * width]
            i = j = 0
            while i < len(left) and j < len(right):
                if left[i] < right[j]:
                    out.append(left[i])
                    i += 1
                else:
                    out.append(right[j])
                    j += 1
                    inv += len(left) - i
            out.extend(left[i:])
            out.extend(right[j:])
        a = out
        width *= 2
    return inv
''', r'''
def _brute(a):
    return sum(1 for i in range(len(a)) for j in range(i + 1, len(a)) if a[i] > a[j])


assert count_inversions([]) == 0
assert count_inversions([1]) == 0
assert count_inversions([2, 1]) == 1
assert count_inversions([3, 1, 2]) == 2
assert count_inversions([1, 1, 1]) == 0
assert count_inversions([2, 2, 1, 1]) == 4
seed = 12345
for n in range(2, 60):
    data = []
    for _ in range(n):
        seed = (seed * 1103515245 + 12345) % 2147483648
        data.append(seed % 7 - 3)
    assert count_inversions(data) == _brute(data), data
assert count_inversions(list(range(100000, 0, -1))) == 100000 * 99999 // 2
''')

# ---------------------------------------------------------------- C

C_CHECK = r'''
#include <limits.h>
#include <stdio.h>
#include <string.h>

static int tb_fails;
#define TB_CHECK(cond) do { if (!(cond)) { fprintf(stderr, "check failed (line %d): %s\n", __LINE__, #cond); tb_fails++; } } while (0)
'''


def c_tests(body):
    return C_CHECK.strip("\n") + "\n\nint main(void)\n{\n" + body.strip("\n") + \
        "\n\treturn tb_fails != 0;\n}\n"


P("c", "sum_range", "overflow", "easy", True,
  "Write a C function `long long sum_range(int a, int b)` that returns the sum of all integers "
  "between `a` and `b` inclusive. `a` may be greater than `b` (then sum from b to a). Any `int` "
  "values are allowed, including INT_MIN and INT_MAX, and the function must not overflow.",
  r'''
long long sum_range(int a, int b)
{
	long long lo = a < b ? a : b, hi = a < b ? b : a;

	return (lo + hi) * (hi - lo + 1) / 2;
}
''', r'''
long long sum_range(int a, int b)
{
	return ((long long)a + b) * ((long long)b - a + 1) / 2;
}
''', c_tests(r'''
	TB_CHECK(sum_range(1, 100) == 5050);
	TB_CHECK(sum_range(5, 5) == 5);
	TB_CHECK(sum_range(-3, 3) == 0);
	TB_CHECK(sum_range(-10, -1) == -55);
	TB_CHECK(sum_range(100, 1) == 5050);
	TB_CHECK(sum_range(INT_MAX, INT_MAX - 1) == 4294967293LL);
	TB_CHECK(sum_range(0, INT_MAX) == 2305843008139952128LL);
	TB_CHECK(sum_range(INT_MIN, INT_MAX) == -2147483648LL);
'''))

P("c", "checked_add", "overflow", "medium", True,
  "Write a C function `int checked_add(int a, int b, int *out)`: if `a + b` fits in an `int`, "
  "store it in `*out` and return 1; otherwise return 0 and leave `*out` unchanged. Detect "
  "overflow in both directions without ever performing an overflowing signed operation "
  "(that is undefined behaviour).",
  r'''
#include <limits.h>

int checked_add(int a, int b, int *out)
{
	if ((b > 0 && a > INT_MAX - b) || (b < 0 && a < INT_MIN - b))
		return 0;
	*out = a + b;
	return 1;
}
''', r'''
#include <limits.h>

int checked_add(int a, int b, int *out)
{
	if (b > 0 && a > INT_MAX - b)
		return 0;
	*out = a + b;
	return 1;
}
''', c_tests(r'''
	int r = 42;

	TB_CHECK(checked_add(1, 2, &r) == 1 && r == 3);
	TB_CHECK(checked_add(-5, 3, &r) == 1 && r == -2);
	TB_CHECK(checked_add(INT_MAX, INT_MIN, &r) == 1 && r == -1);
	TB_CHECK(checked_add(INT_MIN, 0, &r) == 1 && r == INT_MIN);
	TB_CHECK(checked_add(INT_MAX - 1, 1, &r) == 1 && r == INT_MAX);
	r = 42;
	TB_CHECK(checked_add(INT_MAX, 1, &r) == 0 && r == 42);
	TB_CHECK(checked_add(INT_MIN, -1, &r) == 0 && r == 42);
	TB_CHECK(checked_add(-2000000000, -2000000000, &r) == 0 && r == 42);
'''))

P("c", "reverse_in_place", "strings", "easy", True,
  "Write a C function `void reverse_in_place(char *s)` that reverses the bytes of the "
  "NUL-terminated string `s` in place (the strings are ASCII). The empty string stays empty.",
  r'''
#include <string.h>

void reverse_in_place(char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i < n / 2; i++) {
		char t = s[i];
		s[i] = s[n - 1 - i];
		s[n - 1 - i] = t;
	}
}
''', r'''
#include <string.h>

void reverse_in_place(char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; n > 0 && i <= n / 2; i++) {
		char t = s[i];
		s[i] = s[n - 1 - i];
		s[n - 1 - i] = t;
	}
}
''', c_tests(r'''
	char a[] = "abcd", b[] = "abc", c[] = "", d[] = "x", e[] = "hello world";

	reverse_in_place(a);
	TB_CHECK(strcmp(a, "dcba") == 0);
	reverse_in_place(b);
	TB_CHECK(strcmp(b, "cba") == 0);
	reverse_in_place(c);
	TB_CHECK(strcmp(c, "") == 0);
	reverse_in_place(d);
	TB_CHECK(strcmp(d, "x") == 0);
	reverse_in_place(e);
	TB_CHECK(strcmp(e, "dlrow olleh") == 0);
'''))

P("c", "parse_int", "parsing", "hard", True,
  "Write a C function `int parse_int(const char *s)` that parses an integer like `atoi` but with "
  "saturation: skip leading spaces, tabs, `\\n` and `\\r`; accept one optional `+` or `-`; then "
  "read as many decimal digits as follow, stopping at the first other character. No digits "
  "gives 0. If the value does not fit in an `int`, return INT_MAX or INT_MIN. The digit string "
  "may be arbitrarily long (for example 40 digits), and the code must not overflow. Do not use "
  "`strtol`, `atoi` or `sscanf`.",
  r'''
#include <limits.h>

int parse_int(const char *s)
{
	long long v = 0;
	int neg = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s == '+' || *s == '-') {
		neg = *s == '-';
		s++;
	}
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > (long long)INT_MAX + 1)
			v = (long long)INT_MAX + 1;
		s++;
	}
	if (neg)
		return (int)-v;
	return v > INT_MAX ? INT_MAX : (int)v;
}
''', r'''
#include <limits.h>

int parse_int(const char *s)
{
	unsigned long long v = 0;
	int neg = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	if (*s == '+' || *s == '-') {
		neg = *s == '-';
		s++;
	}
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (unsigned long long)(*s - '0');
		s++;
	}
	if (neg)
		return v > (unsigned long long)INT_MAX + 1 ? INT_MIN : (int)-(long long)v;
	return v > INT_MAX ? INT_MAX : (int)v;
}
''', c_tests(r'''
	TB_CHECK(parse_int("42") == 42);
	TB_CHECK(parse_int("   -42") == -42);
	TB_CHECK(parse_int("4193 with words") == 4193);
	TB_CHECK(parse_int("words 987") == 0);
	TB_CHECK(parse_int("") == 0);
	TB_CHECK(parse_int("+-1") == 0);
	TB_CHECK(parse_int("\t\r\n 7x") == 7);
	TB_CHECK(parse_int("2147483647") == INT_MAX);
	TB_CHECK(parse_int("2147483648") == INT_MAX);
	TB_CHECK(parse_int("-2147483648") == INT_MIN);
	TB_CHECK(parse_int("-2147483649") == INT_MIN);
	TB_CHECK(parse_int("91283472332") == INT_MAX);
	TB_CHECK(parse_int("00000000000000000000000012") == 12);
	TB_CHECK(parse_int("18446744073709551617") == INT_MAX);
	TB_CHECK(parse_int("-18446744073709551617") == INT_MIN);
	TB_CHECK(parse_int("1234567890123456789012345678901234567890") == INT_MAX);
'''))

P("c", "int_to_str", "overflow", "medium", True,
  "Write a C function `void int_to_str(int n, char *buf)` that writes the decimal representation "
  "of `n` into `buf` (at least 12 bytes), NUL-terminated, with a leading `-` for negative "
  "numbers. It must work for every `int`, including INT_MIN. Do not use `sprintf` or "
  "`snprintf`.",
  r'''
void int_to_str(int n, char *buf)
{
	char tmp[12];
	int len = 0;
	unsigned int u = n < 0 ? 0u - (unsigned int)n : (unsigned int)n;

	do {
		tmp[len++] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (n < 0)
		*buf++ = '-';
	while (len)
		*buf++ = tmp[--len];
	*buf = '\0';
}
''', r'''
void int_to_str(int n, char *buf)
{
	char tmp[12];
	int len = 0;
	int neg = n < 0;

	if (neg)
		n = n == -2147483647 - 1 ? 2147483647 : -n;
	do {
		tmp[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	if (neg)
		*buf++ = '-';
	while (len)
		*buf++ = tmp[--len];
	*buf = '\0';
}
''', c_tests(r'''
	char b[32];

	int_to_str(0, b);
	TB_CHECK(strcmp(b, "0") == 0);
	int_to_str(7, b);
	TB_CHECK(strcmp(b, "7") == 0);
	int_to_str(-7, b);
	TB_CHECK(strcmp(b, "-7") == 0);
	int_to_str(-10, b);
	TB_CHECK(strcmp(b, "-10") == 0);
	int_to_str(1000000, b);
	TB_CHECK(strcmp(b, "1000000") == 0);
	int_to_str(INT_MAX, b);
	TB_CHECK(strcmp(b, "2147483647") == 0);
	int_to_str(INT_MIN, b);
	TB_CHECK(strcmp(b, "-2147483648") == 0);
'''))

P("c", "lower_bound", "search", "easy", True,
  "Write a C function `int lower_bound(const int *a, int n, int x)` that returns the first index "
  "i such that a[i] >= x in the array `a` of `n` ints sorted in non-decreasing order, or `n` if "
  "every element is less than `x`. `n` may be 0 (then `a` may be NULL). Use binary search.",
  r'''
int lower_bound(const int *a, int n, int x)
{
	int lo = 0, hi = n;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
''', r'''
int lower_bound(const int *a, int n, int x)
{
	int lo = 0, hi = n - 1;

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (a[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
''', c_tests(r'''
	int a[] = {1, 2, 2, 4};
	int one[] = {5};
	int neg[] = {-9, -3, -3, 0};

	TB_CHECK(lower_bound(a, 4, 2) == 1);
	TB_CHECK(lower_bound(a, 4, 3) == 3);
	TB_CHECK(lower_bound(a, 4, 0) == 0);
	TB_CHECK(lower_bound(a, 4, 4) == 3);
	TB_CHECK(lower_bound(NULL, 0, 1) == 0);
	TB_CHECK(lower_bound(one, 1, 5) == 0);
	TB_CHECK(lower_bound(neg, 4, -3) == 1);
	TB_CHECK(lower_bound(a, 4, 5) == 4);
	TB_CHECK(lower_bound(one, 1, 6) == 1);
'''))

P("c", "merge_sorted", "arrays", "easy", True,
  "Write a C function `void merge_sorted(const int *a, int na, const int *b, int nb, int *out)` "
  "that merges the two arrays `a` (na elements) and `b` (nb elements), each sorted in "
  "non-decreasing order, into `out` (room for na + nb ints) in non-decreasing order. Either "
  "array may be empty.",
  r'''
void merge_sorted(const int *a, int na, const int *b, int nb, int *out)
{
	int i = 0, j = 0, k = 0;

	while (i < na && j < nb)
		out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
}
''', r'''
void merge_sorted(const int *a, int na, const int *b, int nb, int *out)
{
	int i = 0, j = 0, k = 0;

	while (i < na && j < nb)
		out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
	while (i < na)
		out[k++] = a[i++];
}
''', c_tests(r'''
	int a[] = {1, 3, 5}, b[] = {2, 4, 6, 8, 10}, c[] = {-2, 2, 2};
	int out[16];
	int e1[] = {1, 2, 3, 4, 5, 6, 8, 10}, e2[] = {-2, 1, 2, 2, 3, 5};

	memset(out, 0, sizeof(out));
	merge_sorted(a, 3, b, 5, out);
	TB_CHECK(memcmp(out, e1, sizeof(e1)) == 0);
	memset(out, 0, sizeof(out));
	merge_sorted(a, 3, c, 3, out);
	TB_CHECK(memcmp(out, e2, sizeof(e2)) == 0);
	memset(out, 0, sizeof(out));
	merge_sorted(NULL, 0, b, 5, out);
	TB_CHECK(memcmp(out, b, sizeof(b)) == 0);
	memset(out, 0, sizeof(out));
	merge_sorted(a, 3, NULL, 0, out);
	TB_CHECK(memcmp(out, a, sizeof(a)) == 0);
'''))

P("c", "days_between", "dates", "medium", True,
  "Write a C function `long days_between(int y1, int m1, int d1, int y2, int m2, int d2)` that "
  "returns the number of days from the date y1-m1-d1 to the date y2-m2-d2 (negative when the "
  "second date is earlier) in the proleptic Gregorian calendar. Years are 1 to 9999 and dates "
  "are valid. Do not use `<time.h>`.",
  r'''
static long day_number(int y, int m, int d)
{
	static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	long yy = y - 1;
	long days = yy * 365 + yy / 4 - yy / 100 + yy / 400 + before[m - 1] + d;

	if (m > 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		days++;
	return days;
}

long days_between(int y1, int m1, int d1, int y2, int m2, int d2)
{
	return day_number(y2, m2, d2) - day_number(y1, m1, d1);
}
''', r'''
static long day_number(int y, int m, int d)
{
	static const int before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	long yy = y - 1;
	long days = yy * 365 + yy / 4 + before[m - 1] + d;

	if (m > 2 && y % 4 == 0)
		days++;
	return days;
}

long days_between(int y1, int m1, int d1, int y2, int m2, int d2)
{
	return day_number(y2, m2, d2) - day_number(y1, m1, d1);
}
''', c_tests(r'''
	TB_CHECK(days_between(2024, 1, 1, 2024, 12, 31) == 365);
	TB_CHECK(days_between(2023, 1, 1, 2024, 1, 1) == 365);
	TB_CHECK(days_between(2024, 1, 1, 2025, 1, 1) == 366);
	TB_CHECK(days_between(2024, 3, 1, 2024, 2, 1) == -29);
	TB_CHECK(days_between(2000, 2, 28, 2000, 3, 1) == 2);
	TB_CHECK(days_between(2021, 6, 15, 2021, 6, 15) == 0);
	TB_CHECK(days_between(1900, 2, 28, 1900, 3, 1) == 1);
	TB_CHECK(days_between(1970, 1, 1, 2000, 1, 1) == 10957);
	TB_CHECK(days_between(1, 1, 1, 9999, 12, 31) == 3652058);
'''))

P("c", "utf8_length", "unicode", "hard", True,
  "Write a C function `long utf8_length(const char *s)` that returns the number of code points in "
  "the NUL-terminated UTF-8 string `s`, or -1 if it is malformed. Treat as malformed: a "
  "continuation byte (10xxxxxx) where a sequence should start, a lead byte 11111xxx (0xF8 to "
  "0xFF), and a lead byte 110xxxxx, 1110xxxx or 11110xxx that is not followed by exactly 1, 2 "
  "or 3 continuation bytes respectively (including a sequence cut off by the end of the "
  "string). Do not check for overlong forms or surrogates. Never read past the terminating "
  "NUL.",
  r'''
long utf8_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long count = 0;

	while (*p) {
		int extra;

		if (*p < 0x80)
			extra = 0;
		else if ((*p & 0xE0) == 0xC0)
			extra = 1;
		else if ((*p & 0xF0) == 0xE0)
			extra = 2;
		else if ((*p & 0xF8) == 0xF0)
			extra = 3;
		else
			return -1;
		p++;
		for (int i = 0; i < extra; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return -1;
		count++;
	}
	return count;
}
''', r'''
long utf8_length(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	long count = 0;

	for (; *p; p++) {
		if (*p >= 0xF8)
			return -1;
		if ((*p & 0xC0) != 0x80)
			count++;
	}
	return count;
}
''', c_tests(r'''
	TB_CHECK(utf8_length("") == 0);
	TB_CHECK(utf8_length("abc") == 3);
	TB_CHECK(utf8_length("h\xc3\xa9llo") == 5);
	TB_CHECK(utf8_length("\xe2\x82\xac") == 1);
	TB_CHECK(utf8_length("\xf0\x9f\x98\x80!") == 2);
	TB_CHECK(utf8_length("\xe2\x82\xac\xe2\x82\xac") == 2);
	TB_CHECK(utf8_length("\xff") == -1);
	TB_CHECK(utf8_length("a\x80") == -1);
	TB_CHECK(utf8_length("\xc3") == -1);
	TB_CHECK(utf8_length("\xe2\x82") == -1);
	TB_CHECK(utf8_length("\xc3(") == -1);
'''))

P("c", "collapse_spaces", "strings", "medium", True,
  "Write a C function `size_t collapse_spaces(char *s)` that edits the NUL-terminated string `s` "
  "in place: remove all leading and trailing whitespace (space, `\\t`, `\\n`, `\\r`, `\\v`, "
  "`\\f`) and replace every run of whitespace between words with a single space. Return the "
  "new length.",
  r'''
#include <stddef.h>

size_t collapse_spaces(char *s)
{
	size_t r, w = 0;
	int pending = 0;

	for (r = 0; s[r]; r++) {
		char c = s[r];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
			if (w > 0)
				pending = 1;
			continue;
		}
		if (pending) {
			s[w++] = ' ';
			pending = 0;
		}
		s[w++] = c;
	}
	s[w] = '\0';
	return w;
}
''', r'''
#include <stddef.h>

size_t collapse_spaces(char *s)
{
	size_t r, w = 0;

	for (r = 0; s[r]; r++) {
		char c = s[r];

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
			if (w > 0 && s[w - 1] != ' ')
				s[w++] = ' ';
			continue;
		}
		s[w++] = c;
	}
	s[w] = '\0';
	return w;
}
''', c_tests(r'''
	char a[] = "  hello   world  ", b[] = "", c[] = "   ", d[] = "a", e[] = "a\t\nb", f[] = "x ";

	TB_CHECK(collapse_spaces(a) == 11 && strcmp(a, "hello world") == 0);
	TB_CHECK(collapse_spaces(b) == 0 && strcmp(b, "") == 0);
	TB_CHECK(collapse_spaces(c) == 0 && strcmp(c, "") == 0);
	TB_CHECK(collapse_spaces(d) == 1 && strcmp(d, "a") == 0);
	TB_CHECK(collapse_spaces(e) == 3 && strcmp(e, "a b") == 0);
	TB_CHECK(collapse_spaces(f) == 1 && strcmp(f, "x") == 0);
'''))

P("c", "binomial", "overflow", "hard", True,
  "Write a C function `unsigned long long binomial(int n, int k)` that returns the exact binomial "
  "coefficient C(n, k) for 0 <= n <= 67 (every such value fits in 64 bits, but intermediate "
  "products may not: for example C(67, 33) = 14226520737620288370). Return 0 when k < 0 or "
  "k > n.",
  r'''
static unsigned long long gcd_u64(unsigned long long a, unsigned long long b)
{
	while (b) {
		unsigned long long t = a % b;
		a = b;
		b = t;
	}
	return a;
}

unsigned long long binomial(int n, int k)
{
	unsigned long long r = 1;

	if (k < 0 || k > n)
		return 0;
	if (k > n - k)
		k = n - k;
	for (int i = 1; i <= k; i++) {
		unsigned long long num = (unsigned long long)(n - k + i), den = (unsigned long long)i;
		unsigned long long g = gcd_u64(r, den);
		r /= g;
		den /= g;
		r *= num / den;
	}
	return r;
}
''', r'''
unsigned long long binomial(int n, int k)
{
	unsigned long long r = 1;

	if (k < 0 || k > n)
		return 0;
	if (k > n - k)
		k = n - k;
	for (int i = 1; i <= k; i++)
		r = r * (unsigned long long)(n - k + i) / (unsigned long long)i;
	return r;
}
''', c_tests(r'''
	TB_CHECK(binomial(0, 0) == 1ULL);
	TB_CHECK(binomial(10, 3) == 120ULL);
	TB_CHECK(binomial(5, -1) == 0ULL);
	TB_CHECK(binomial(5, 6) == 0ULL);
	TB_CHECK(binomial(67, 0) == 1ULL);
	TB_CHECK(binomial(40, 20) == 137846528820ULL);
	TB_CHECK(binomial(62, 31) == 465428353255261088ULL);
	TB_CHECK(binomial(66, 33) == 7219428434016265740ULL);
	TB_CHECK(binomial(67, 33) == 14226520737620288370ULL);
	TB_CHECK(binomial(67, 34) == 14226520737620288370ULL);
'''))

P("c", "max_product_of_three", "arrays", "medium", True,
  "Write a C function `long long max_product_of_three(const int *a, int n)` that returns the "
  "largest product of three elements at different positions of the array `a` (n >= 3). Values "
  "can be negative, zero or positive, with absolute value at most 1,000,000.",
  r'''
#include <limits.h>

long long max_product_of_three(const int *a, int n)
{
	long long hi1 = LLONG_MIN, hi2 = LLONG_MIN, hi3 = LLONG_MIN, lo1 = LLONG_MAX, lo2 = LLONG_MAX;
	long long p1, p2;

	for (int i = 0; i < n; i++) {
		long long x = a[i];

		if (x > hi1) {
			hi3 = hi2;
			hi2 = hi1;
			hi1 = x;
		} else if (x > hi2) {
			hi3 = hi2;
			hi2 = x;
		} else if (x > hi3) {
			hi3 = x;
		}
		if (x < lo1) {
			lo2 = lo1;
			lo1 = x;
		} else if (x < lo2) {
			lo2 = x;
		}
	}
	p1 = hi1 * hi2 * hi3;
	p2 = lo1 * lo2 * hi1;
	return p1 > p2 ? p1 : p2;
}
''', r'''
#include <limits.h>

long long max_product_of_three(const int *a, int n)
{
	long long hi1 = LLONG_MIN, hi2 = LLONG_MIN, hi3 = LLONG_MIN;

	for (int i = 0; i < n; i++) {
		long long x = a[i];

		if (x > hi1) {
			hi3 = hi2;
			hi2 = hi1;
			hi1 = x;
		} else if (x > hi2) {
			hi3 = hi2;
			hi2 = x;
		} else if (x > hi3) {
			hi3 = x;
		}
	}
	return hi1 * hi2 * hi3;
}
''', c_tests(r'''
	int a[] = {1, 2, 3};
	int b[] = {-5, -4, -3, -2};
	int c[] = {1000000, 1000000, 1000000};
	int d[] = {0, 0, 0};
	int e[] = {-1, 0, 1, 2};
	int f[] = {-10, -10, 1, 3, 2};
	int g[] = {-1000000, -1000000, 1000000, 0};

	TB_CHECK(max_product_of_three(a, 3) == 6);
	TB_CHECK(max_product_of_three(b, 4) == -24);
	TB_CHECK(max_product_of_three(c, 3) == 1000000000000000000LL);
	TB_CHECK(max_product_of_three(d, 3) == 0);
	TB_CHECK(max_product_of_three(e, 4) == 0);
	TB_CHECK(max_product_of_three(f, 5) == 300);
	TB_CHECK(max_product_of_three(g, 4) == 1000000000000000000LL);
'''))

P("c", "parse_hex_color", "parsing", "medium", True,
  "Write a C function `int parse_hex_color(const char *s, int *r, int *g, int *b)` that parses a "
  "CSS hex color: exactly `#RRGGBB` or the shorthand `#RGB` (hex digits in either case; in the "
  "shorthand each digit is doubled, so `#fa0` is 255, 170, 0). On success store the three "
  "components (0-255) and return 1. On any other input (wrong length, missing `#`, non-hex "
  "characters) return 0 and leave `*r`, `*g` and `*b` unchanged.",
  r'''
#include <string.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_hex_color(const char *s, int *r, int *g, int *b)
{
	int v[6];
	size_t n;

	if (s[0] != '#')
		return 0;
	n = strlen(s + 1);
	if (n != 3 && n != 6)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((v[i] = hex_value(s[1 + i])) < 0)
			return 0;
	if (n == 3) {
		*r = v[0] * 17;
		*g = v[1] * 17;
		*b = v[2] * 17;
	} else {
		*r = v[0] * 16 + v[1];
		*g = v[2] * 16 + v[3];
		*b = v[4] * 16 + v[5];
	}
	return 1;
}
''', r'''
#include <string.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_hex_color(const char *s, int *r, int *g, int *b)
{
	int v[6];
	size_t n;

	if (s[0] != '#')
		return 0;
	n = strlen(s + 1);
	if (n != 3 && n != 6)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((v[i] = hex_value(s[1 + i])) < 0)
			return 0;
	if (n == 3) {
		*r = v[0];
		*g = v[1];
		*b = v[2];
	} else {
		*r = v[0] * 16 + v[1];
		*g = v[2] * 16 + v[3];
		*b = v[4] * 16 + v[5];
	}
	return 1;
}
''', c_tests(r'''
	int r = -1, g = -1, b = -1;

	TB_CHECK(parse_hex_color("#ffffff", &r, &g, &b) == 1 && r == 255 && g == 255 && b == 255);
	TB_CHECK(parse_hex_color("#000000", &r, &g, &b) == 1 && r == 0 && g == 0 && b == 0);
	TB_CHECK(parse_hex_color("#1A2b3C", &r, &g, &b) == 1 && r == 26 && g == 43 && b == 60);
	TB_CHECK(parse_hex_color("#fa0", &r, &g, &b) == 1 && r == 255 && g == 170 && b == 0);
	TB_CHECK(parse_hex_color("#FFF", &r, &g, &b) == 1 && r == 255 && g == 255 && b == 255);
	r = g = b = 7;
	TB_CHECK(parse_hex_color("ffffff", &r, &g, &b) == 0);
	TB_CHECK(parse_hex_color("#ffff", &r, &g, &b) == 0);
	TB_CHECK(parse_hex_color("#gg0000", &r, &g, &b) == 0);
	TB_CHECK(parse_hex_color("", &r, &g, &b) == 0);
	TB_CHECK(parse_hex_color("#", &r, &g, &b) == 0);
	TB_CHECK(parse_hex_color("#12345", &r, &g, &b) == 0);
	TB_CHECK(parse_hex_color("#1234567", &r, &g, &b) == 0);
	TB_CHECK(parse_hex_color("#12 456", &r, &g, &b) == 0);
	TB_CHECK(r == 7 && g == 7 && b == 7);
'''))

P("c", "round_div", "rounding", "medium", True,
  "Write a C function `int round_div(int a, int b)` that returns a / b rounded to the nearest "
  "integer, with exact halves rounded away from zero (7/2 -> 4, -7/2 -> -4). `b` is never 0 and "
  "the exact result always fits in an `int`, but `a` can be as large as INT_MAX or as small as "
  "INT_MIN, so avoid intermediate overflow. Do not use floating point.",
  r'''
int round_div(int a, int b)
{
	long long q = (long long)a / b, r = (long long)a % b;
	long long ar = r < 0 ? -r : r, ab = b < 0 ? -(long long)b : b;

	if (2 * ar >= ab)
		q += ((a < 0) != (b < 0)) ? -1 : 1;
	return (int)q;
}
''', r'''
int round_div(int a, int b)
{
	long long s = (long long)a + b / 2;

	return (int)(s / b);
}
''', c_tests(r'''
	TB_CHECK(round_div(7, 2) == 4);
	TB_CHECK(round_div(5, 3) == 2);
	TB_CHECK(round_div(4, 3) == 1);
	TB_CHECK(round_div(0, 5) == 0);
	TB_CHECK(round_div(1, 2) == 1);
	TB_CHECK(round_div(INT_MAX, 1) == INT_MAX);
	TB_CHECK(round_div(INT_MAX, 2) == 1073741824);
	TB_CHECK(round_div(-7, 2) == -4);
	TB_CHECK(round_div(7, -2) == -4);
	TB_CHECK(round_div(-7, -2) == 4);
	TB_CHECK(round_div(-4, 3) == -1);
	TB_CHECK(round_div(-1, 2) == -1);
	TB_CHECK(round_div(INT_MIN, 2) == -1073741824);
	TB_CHECK(round_div(INT_MIN, -3) == 715827883);
'''))

P("c", "mod_pow", "number-theory", "hard", True,
  "Write a C function `unsigned long long mod_pow(long long base, unsigned long long exp, "
  "unsigned long long mod)` that returns base^exp modulo `mod` as a value in [0, mod). `base` "
  "may be negative; 1 <= mod < 2^63, so products of two residues do not fit in 64 bits; "
  "`exp` may be as large as 2^64 - 1; base^0 is 1 (reduced modulo mod). Do not use "
  "`__int128` or floating point.",
  r'''
static unsigned long long mul_mod(unsigned long long a, unsigned long long b, unsigned long long m)
{
	unsigned long long r = 0;

	a %= m;
	while (b) {
		if (b & 1)
			r = r >= m - a ? r - (m - a) : r + a;
		b >>= 1;
		a = a >= m - a ? a - (m - a) : a + a;
	}
	return r;
}

unsigned long long mod_pow(long long base, unsigned long long exp, unsigned long long mod)
{
	long long bm = base % (long long)mod;
	unsigned long long b, r = 1 % mod;

	if (bm < 0)
		bm += (long long)mod;
	b = (unsigned long long)bm;
	while (exp) {
		if (exp & 1)
			r = mul_mod(r, b, mod);
		b = mul_mod(b, b, mod);
		exp >>= 1;
	}
	return r;
}
''', r'''
unsigned long long mod_pow(long long base, unsigned long long exp, unsigned long long mod)
{
	long long bm = base % (long long)mod;
	unsigned long long b, r = 1 % mod;

	if (bm < 0)
		bm += (long long)mod;
	b = (unsigned long long)bm;
	while (exp) {
		if (exp & 1)
			r = r * b % mod;
		b = b * b % mod;
		exp >>= 1;
	}
	return r;
}
''', c_tests(r'''
	TB_CHECK(mod_pow(2, 10, 1000) == 24ULL);
	TB_CHECK(mod_pow(2, 0, 7) == 1ULL);
	TB_CHECK(mod_pow(0, 0, 5) == 1ULL);
	TB_CHECK(mod_pow(5, 3, 1) == 0ULL);
	TB_CHECK(mod_pow(-2, 3, 7) == 6ULL);
	TB_CHECK(mod_pow(-1, 3, 10) == 9ULL);
	TB_CHECK(mod_pow(3, 200, 1000000007ULL) == 136318165ULL);
	TB_CHECK(mod_pow(2, 127, 4611686018427387905ULL) == 8ULL);
	TB_CHECK(mod_pow(-7, 13, 4611686018427388039ULL) == 4611685921538377632ULL);
	TB_CHECK(mod_pow(123456789, 987654321ULL, 9223372036854775783ULL) == 7304489514424542795ULL);
	TB_CHECK(mod_pow(1000000000000000000LL, 1000000000000000000ULL, 9223372036854775783ULL) == 3591960404173055031ULL);
'''))

# ---------------------------------------------------------------- JavaScript

JS_HEAD = "const assert = require('assert');\n\n"

P("javascript", "formatThousands", "strings", "easy", True,
  "Write a JavaScript function `formatThousands(n)` that takes a safe integer `n` (possibly "
  "negative) and returns its decimal representation with a comma between each group of three "
  "digits, e.g. `-1234567` -> `\"-1,234,567\"`, `999` -> `\"999\"`. Do not use "
  "`toLocaleString` or `Intl`.",
  r'''
function formatThousands(n) {
  const s = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return (n < 0 ? '-' : '') + out;
}
''', r'''
function formatThousands(n) {
  const s = String(n);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return out;
}
''', JS_HEAD + r'''
assert.strictEqual(formatThousands(0), '0');
assert.strictEqual(formatThousands(999), '999');
assert.strictEqual(formatThousands(1000), '1,000');
assert.strictEqual(formatThousands(1234567), '1,234,567');
assert.strictEqual(formatThousands(9007199254740991), '9,007,199,254,740,991');
assert.strictEqual(formatThousands(-1234567), '-1,234,567');
assert.strictEqual(formatThousands(-999), '-999');
assert.strictEqual(formatThousands(-100000), '-100,000');
''')

P("javascript", "reverseString", "unicode", "easy", True,
  "Write a JavaScript function `reverseString(s)` that returns the string `s` with its Unicode "
  "code points in reverse order. Characters outside the Basic Multilingual Plane (such as emoji, "
  "stored as surrogate pairs) must stay intact.",
  r'''
function reverseString(s) {
  return Array.from(s).reverse().join('');
}
''', r'''
function reverseString(s) {
  return s.split('').reverse().join('');
}
''', JS_HEAD + r'''
assert.strictEqual(reverseString('abc'), 'cba');
assert.strictEqual(reverseString(''), '');
assert.strictEqual(reverseString('h\u00e9llo'), 'oll\u00e9h');
assert.strictEqual(reverseString('a\u{1F600}b'), 'b\u{1F600}a');
assert.strictEqual(reverseString('\u{1F600}\u{1F601}'), '\u{1F601}\u{1F600}');
''')

P("javascript", "deepEqual", "objects", "medium", True,
  "Write a JavaScript function `deepEqual(a, b)` for JSON-like values (null, booleans, numbers, "
  "strings, arrays and plain objects). Primitives are equal when `===`. Arrays are equal when "
  "they have the same length and pairwise deep-equal elements. Plain objects are equal when they "
  "have the same set of own keys (in any order) with deep-equal values. An array is never equal "
  "to a plain object, and null is only equal to null. Return a boolean.",
  r'''
function deepEqual(a, b) {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}
''', r'''
function deepEqual(a, b) {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
}
''', JS_HEAD + r'''
assert.strictEqual(deepEqual(1, 1), true);
assert.strictEqual(deepEqual(1, '1'), false);
assert.strictEqual(deepEqual(null, null), true);
assert.strictEqual(deepEqual(null, {}), false);
assert.strictEqual(deepEqual({}, null), false);
assert.strictEqual(deepEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }), true);
assert.strictEqual(deepEqual([1, 2], [2, 1]), false);
assert.strictEqual(deepEqual({ a: { b: null } }, { a: { b: null } }), true);
assert.strictEqual(deepEqual({ a: 1 }, { a: 1, b: 2 }), false);
assert.strictEqual(deepEqual([[]], [[]]), true);
assert.strictEqual(deepEqual([], {}), false);
assert.strictEqual(deepEqual([1], { 0: 1 }), false);
assert.strictEqual(deepEqual({ x: [] }, { x: {} }), false);
''')

P("javascript", "sortNumbers", "sorting", "easy", False,
  "Write a JavaScript function `sortNumbers(arr)` that returns a new array with the numbers of "
  "`arr` sorted in ascending numeric order, without modifying `arr`.",
  r'''
function sortNumbers(arr) {
  return [...arr].sort((a, b) => a - b);
}
''', r'''
function sortNumbers(arr) {
  return [...arr].sort();
}
''', JS_HEAD + r'''
const input = [10, 9, 1, 100];
assert.deepStrictEqual(sortNumbers(input), [1, 9, 10, 100]);
assert.deepStrictEqual(input, [10, 9, 1, 100]);
assert.deepStrictEqual(sortNumbers([]), []);
assert.deepStrictEqual(sortNumbers([-1, -10, 5]), [-10, -1, 5]);
assert.deepStrictEqual(sortNumbers([3.5, 3, -0.5]), [-0.5, 3, 3.5]);
''')

P("javascript", "parseQuery", "parsing", "medium", True,
  "Write a JavaScript function `parseQuery(qs)` that parses a URL query string into a plain "
  "object (`{}`) mapping each key to an array of its values, in order of appearance. A leading "
  "`?` is optional. Pairs are separated by `&`; empty pairs are skipped. Key and value are split "
  "at the first `=`; a pair without `=` has the value `\"\"`. In keys and values, `+` means a "
  "space, then percent-escapes are decoded as UTF-8 (like `decodeURIComponent`). Example: "
  "`\"?a=1&b=x+y&a=%E2%82%AC\"` -> `{a: [\"1\", \"\u20ac\"], b: [\"x y\"]}`. Do not use "
  "`URLSearchParams`.",
  r'''
function parseQuery(qs) {
  const out = {};
  if (qs.startsWith('?')) qs = qs.slice(1);
  const dec = (x) => decodeURIComponent(x.replace(/\+/g, ' '));
  for (const part of qs.split('&')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    const k = dec(i < 0 ? part : part.slice(0, i));
    const v = dec(i < 0 ? '' : part.slice(i + 1));
    if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = [];
    out[k].push(v);
  }
  return out;
}
''', r'''
function parseQuery(qs) {
  const out = {};
  if (qs.startsWith('?')) qs = qs.slice(1);
  for (const part of qs.split('&')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    const k = decodeURIComponent(i < 0 ? part : part.slice(0, i));
    const v = decodeURIComponent(i < 0 ? '' : part.slice(i + 1));
    if (!Object.prototype.hasOwnProperty.call(out, k)) out[k] = [];
    out[k].push(v);
  }
  return out;
}
''', JS_HEAD + r'''
assert.deepStrictEqual(parseQuery('?a=1&b=2&a=3'), { a: ['1', '3'], b: ['2'] });
assert.deepStrictEqual(parseQuery(''), {});
assert.deepStrictEqual(parseQuery('?'), {});
assert.deepStrictEqual(parseQuery('x'), { x: [''] });
assert.deepStrictEqual(parseQuery('a=1=2'), { a: ['1=2'] });
assert.deepStrictEqual(parseQuery('&&a=&'), { a: [''] });
assert.deepStrictEqual(parseQuery('caf%C3%A9=%E2%82%AC'), { 'caf\u00e9': ['\u20ac'] });
assert.deepStrictEqual(parseQuery('q=hello+world%21'), { q: ['hello world!'] });
assert.deepStrictEqual(parseQuery('a%2Bb=c+d'), { 'a+b': ['c d'] });
''')

P("javascript", "range", "arrays", "easy", True,
  "Write a JavaScript function `range(start, end, step)` that behaves like Python's `range` but "
  "returns an array: `range(n)` is 0, 1, ..., n-1; `range(start, end)` counts up by 1 from "
  "`start` while below `end`; with a `step` it counts by `step`, which may be negative (then "
  "it continues while above `end`). A step of 0 throws a `RangeError`.",
  r'''
function range(start, end, step = 1) {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) throw new RangeError('step must not be zero');
  const out = [];
  if (step > 0) {
    for (let x = start; x < end; x += step) out.push(x);
  } else {
    for (let x = start; x > end; x += step) out.push(x);
  }
  return out;
}
''', r'''
function range(start, end, step = 1) {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) throw new RangeError('step must not be zero');
  const out = [];
  for (let x = start; x < end; x += step) out.push(x);
  return out;
}
''', JS_HEAD + r'''
assert.deepStrictEqual(range(5), [0, 1, 2, 3, 4]);
assert.deepStrictEqual(range(0), []);
assert.deepStrictEqual(range(2, 5), [2, 3, 4]);
assert.deepStrictEqual(range(3, 3), []);
assert.deepStrictEqual(range(5, 2), []);
assert.deepStrictEqual(range(0, 10, 3), [0, 3, 6, 9]);
assert.deepStrictEqual(range(-3, 3, 2), [-3, -1, 1]);
assert.throws(() => range(0, 5, 0), RangeError);
assert.deepStrictEqual(range(5, 0, -2), [5, 3, 1]);
assert.deepStrictEqual(range(0, -3, -1), [0, -1, -2]);
''')

P("javascript", "countIslands", "graphs", "medium", False,
  "Write a JavaScript function `countIslands(grid)` where `grid` is an array of equal-length "
  "strings of `'1'` (land) and `'0'` (water). An island is a group of land cells connected "
  "horizontally or vertically (not diagonally). Return the number of islands. The grid may be "
  "empty, or as large as 300 x 300 cells.",
  r'''
function countIslands(grid) {
  const h = grid.length, w = h ? grid[0].length : 0;
  const seen = new Uint8Array(h * w);
  let count = 0;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      if (grid[r][c] !== '1' || seen[r * w + c]) continue;
      count++;
      const stack = [r * w + c];
      seen[r * w + c] = 1;
      while (stack.length) {
        const cell = stack.pop(), cr = Math.floor(cell / w), cc = cell % w;
        for (const [dr, dc] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
          const nr = cr + dr, nc = cc + dc;
          if (nr >= 0 && nr < h && nc >= 0 && nc < w && grid[nr][nc] === '1' && !seen[nr * w + nc]) {
            seen[nr * w + nc] = 1;
            stack.push(nr * w + nc);
          }
        }
      }
    }
  }
  return count;
}
''', r'''
function countIslands(grid) {
  const h = grid.length, w = h ? grid[0].length : 0;
  const seen = new Uint8Array(h * w);
  let count = 0;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      if (grid[r][c] !== '1' || seen[r * w + c]) continue;
      count++;
      const stack = [r * w + c];
      seen[r * w + c] = 1;
      while (stack.length) {
        const cell = stack.pop(), cr = Math.floor(cell / w), cc = cell % w;
        for (let dr = -1; dr <= 1; dr++) {
          for (let dc = -1; dc <= 1; dc++) {
            const nr = cr + dr, nc = cc + dc;
            if (nr >= 0 && nr < h && nc >= 0 && nc < w && grid[nr][nc] === '1' && !seen[nr * w + nc]) {
              seen[nr * w + nc] = 1;
              stack.push(nr * w + nc);
            }
          }
        }
      }
    }
  }
  return count;
}
''', JS_HEAD + r'''
assert.strictEqual(countIslands(['11000', '11000', '00100', '00011']), 3);
assert.strictEqual(countIslands([]), 0);
assert.strictEqual(countIslands(['0']), 0);
assert.strictEqual(countIslands(['1']), 1);
assert.strictEqual(countIslands(['111', '101', '111']), 1);
assert.strictEqual(countIslands(Array(300).fill('1'.repeat(300))), 1);
assert.strictEqual(countIslands(['101', '010', '101']), 5);
const checker = [];
for (let r = 0; r < 50; r++) {
  let row = '';
  for (let c = 0; c < 50; c++) row += (r + c) % 2 === 0 ? '1' : '0';
  checker.push(row);
}
assert.strictEqual(countIslands(checker), 1250);
''')

P("javascript", "roundTo", "rounding", "hard", True,
  "Write a JavaScript function `roundTo(x, digits)` that returns `x` rounded to `digits` decimal "
  "places (0 <= digits <= 10) as a string with exactly `digits` digits after the point (no point "
  "when digits is 0), rounding exact halves away from zero. Round according to the shortest "
  "decimal form of `x` that `String(x)` gives, not its binary value: `roundTo(1.005, 2)` is "
  "`\"1.01\"` and `roundTo(-2.5, 0)` is `\"-3\"`. A result that is zero has no minus sign. `x` is "
  "0 or has an absolute value from 1e-6 up to (but not including) 1e15.",
  r'''
function roundTo(x, digits) {
  const s = String(Math.abs(x));
  const dot = s.indexOf('.');
  const ip = dot < 0 ? s : s.slice(0, dot);
  const fp = (dot < 0 ? '' : s.slice(dot + 1)).padEnd(digits + 1, '0');
  const arr = (ip + fp.slice(0, digits)).split('');
  if (fp[digits] >= '5') {
    let i = arr.length - 1;
    while (i >= 0 && arr[i] === '9') {
      arr[i] = '0';
      i--;
    }
    if (i < 0) arr.unshift('1');
    else arr[i] = String(Number(arr[i]) + 1);
  }
  const all = arr.join('');
  let intPart = all.slice(0, all.length - digits).replace(/^0+(?=\d)/, '');
  if (intPart === '') intPart = '0';
  const res = digits > 0 ? intPart + '.' + all.slice(all.length - digits) : intPart;
  return (x < 0 && /[1-9]/.test(res) ? '-' : '') + res;
}
''', r'''
function roundTo(x, digits) {
  const f = 10 ** digits;
  return (Math.round(x * f) / f).toFixed(digits);
}
''', JS_HEAD + r'''
assert.strictEqual(roundTo(123, 2), '123.00');
assert.strictEqual(roundTo(0, 0), '0');
assert.strictEqual(roundTo(2.5, 0), '3');
assert.strictEqual(roundTo(1.45, 1), '1.5');
assert.strictEqual(roundTo(9.995, 2), '10.00');
assert.strictEqual(roundTo(99.99, 1), '100.0');
assert.strictEqual(roundTo(0.000001, 5), '0.00000');
assert.strictEqual(roundTo(0.000005, 5), '0.00001');
assert.strictEqual(roundTo(123456789012.5, 0), '123456789013');
assert.strictEqual(roundTo(1.005, 2), '1.01');
assert.strictEqual(roundTo(8.345, 2), '8.35');
assert.strictEqual(roundTo(-2.5, 0), '-3');
assert.strictEqual(roundTo(-0.5, 0), '-1');
assert.strictEqual(roundTo(-1.005, 2), '-1.01');
assert.strictEqual(roundTo(-0.0004, 3), '0.000');
''')

P("javascript", "camelToSnake", "strings", "medium", True,
  "Write a JavaScript function `camelToSnake(s)` that converts an identifier made of ASCII "
  "letters, digits and underscores from camelCase/PascalCase to snake_case. Insert `_` before "
  "an uppercase letter when the previous character is a lowercase letter or a digit, or when "
  "the previous character is uppercase and the next character is lowercase (so acronyms stay "
  "together); then lowercase everything. Existing underscores are kept and never doubled by "
  "this rule (an underscore is neither lowercase nor a digit). Examples: `\"parseHTTPResponse\"` "
  "-> `\"parse_http_response\"`, `\"userID2\"` -> `\"user_id2\"`.",
  r'''
function camelToSnake(s) {
  const isUpper = (ch) => ch !== undefined && ch >= 'A' && ch <= 'Z';
  const isLower = (ch) => ch !== undefined && ch >= 'a' && ch <= 'z';
  const isDigit = (ch) => ch !== undefined && ch >= '0' && ch <= '9';
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i], prev = s[i - 1], next = s[i + 1];
    if (isUpper(c) && i > 0 && (isLower(prev) || isDigit(prev) || (isUpper(prev) && isLower(next)))) out += '_';
    out += c.toLowerCase();
  }
  return out;
}
''', r'''
function camelToSnake(s) {
  return s.replace(/([A-Z])/g, '_$1').toLowerCase().replace(/^_/, '');
}
''', JS_HEAD + r'''
assert.strictEqual(camelToSnake('camelCase'), 'camel_case');
assert.strictEqual(camelToSnake(''), '');
assert.strictEqual(camelToSnake('A'), 'a');
assert.strictEqual(camelToSnake('getX'), 'get_x');
assert.strictEqual(camelToSnake('already_snake'), 'already_snake');
assert.strictEqual(camelToSnake('version2Beta'), 'version2_beta');
assert.strictEqual(camelToSnake('parseHTTPResponse'), 'parse_http_response');
assert.strictEqual(camelToSnake('HTTPServer'), 'http_server');
assert.strictEqual(camelToSnake('userID2'), 'user_id2');
assert.strictEqual(camelToSnake('ABC'), 'abc');
assert.strictEqual(camelToSnake('user_ID'), 'user_id');
''')

P("javascript", "daysInMonth", "dates", "medium", True,
  "Write a JavaScript function `daysInMonth(year, month)` that returns the number of days in "
  "`month` (1 = January ... 12 = December) of `year` in the proleptic Gregorian calendar, for "
  "any year from 0 to 9999 (year 0 is a leap year).",
  r'''
function daysInMonth(year, month) {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}
''', r'''
function daysInMonth(year, month) {
  return new Date(year, month, 0).getDate();
}
''', JS_HEAD + r'''
assert.strictEqual(daysInMonth(2024, 2), 29);
assert.strictEqual(daysInMonth(2023, 2), 28);
assert.strictEqual(daysInMonth(1900, 2), 28);
assert.strictEqual(daysInMonth(2000, 2), 29);
assert.strictEqual(daysInMonth(2024, 4), 30);
assert.strictEqual(daysInMonth(2024, 12), 31);
assert.strictEqual(daysInMonth(9999, 12), 31);
assert.strictEqual(daysInMonth(100, 2), 28);
assert.strictEqual(daysInMonth(0, 2), 29);
assert.strictEqual(daysInMonth(0, 1), 31);
''')

P("javascript", "bigAdd", "overflow", "medium", True,
  "Write a JavaScript function `bigAdd(a, b)` that adds two integers given as decimal strings "
  "(each an optional `-` followed by one or more digits, possibly with leading zeros, possibly "
  "hundreds of digits long) and returns the exact sum as a decimal string without leading zeros "
  "(zero is `\"0\"`, never `\"-0\"`).",
  r'''
function bigAdd(a, b) {
  return (BigInt(a) + BigInt(b)).toString();
}
''', r'''
function bigAdd(a, b) {
  const r = Number(a) + Number(b);
  return String(r === 0 ? 0 : r);
}
''', JS_HEAD + r'''
assert.strictEqual(bigAdd('1', '2'), '3');
assert.strictEqual(bigAdd('-5', '5'), '0');
assert.strictEqual(bigAdd('-0', '0'), '0');
assert.strictEqual(bigAdd('000123', '-23'), '100');
assert.strictEqual(bigAdd('9007199254740993', '0'), '9007199254740993');
assert.strictEqual(bigAdd('99999999999999999999', '1'), '100000000000000000000');
assert.strictEqual(bigAdd('-123456789012345678901234567890', '123456789012345678901234567891'), '1');
assert.strictEqual(bigAdd('1' + '0'.repeat(300), '-1'), '9'.repeat(300));
''')

P("javascript", "wordFrequencies", "unicode", "medium", True,
  "Write a JavaScript function `wordFrequencies(text)` that counts words. A word is a maximal run "
  "of Unicode letters and digits (`\\p{L}` and `\\p{N}`), compared after `toLowerCase()`. Return "
  "an array of `[word, count]` pairs sorted by count, highest first, and equal counts by word in "
  "ascending UTF-16 code unit order (the `<` operator on strings).",
  r'''
function wordFrequencies(text) {
  const counts = new Map();
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const w = m[0].toLowerCase();
    counts.set(w, (counts.get(w) || 0) + 1);
  }
  return [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}
''', r'''
function wordFrequencies(text) {
  const counts = new Map();
  for (const m of text.matchAll(/\w+/g)) {
    const w = m[0].toLowerCase();
    counts.set(w, (counts.get(w) || 0) + 1);
  }
  return [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
}
''', JS_HEAD + r'''
assert.deepStrictEqual(wordFrequencies('The cat and the hat.'), [['the', 2], ['and', 1], ['cat', 1], ['hat', 1]]);
assert.deepStrictEqual(wordFrequencies(''), []);
assert.deepStrictEqual(wordFrequencies('a1 a1 b'), [['a1', 2], ['b', 1]]);
assert.deepStrictEqual(wordFrequencies('Caf\u00e9 caf\u00e9 CAF\u00c9'), [['caf\u00e9', 3]]);
assert.deepStrictEqual(wordFrequencies('na\u00efve, na\u00efve; resume r\u00e9sum\u00e9'),
  [['na\u00efve', 2], ['resume', 1], ['r\u00e9sum\u00e9', 1]]);
assert.deepStrictEqual(wordFrequencies('\u041f\u0440\u0438\u0432\u0435\u0442 \u043c\u0438\u0440 \u043f\u0440\u0438\u0432\u0435\u0442'),
  [['\u043f\u0440\u0438\u0432\u0435\u0442', 2], ['\u043c\u0438\u0440', 1]]);
''')

P("javascript", "semverCompare", "parsing", "hard", True,
  "Write a JavaScript function `semverCompare(a, b)` that compares two Semantic Versioning 2.0.0 "
  "versions `MAJOR.MINOR.PATCH` with an optional pre-release part after `-` (dot-separated "
  "identifiers; no build metadata). Return -1, 0 or 1 by semver precedence: compare MAJOR, "
  "MINOR, PATCH numerically; a version with a pre-release is lower than the same version "
  "without; pre-releases compare identifier by identifier, numeric identifiers (digits only) "
  "numerically, others in ASCII order, a numeric identifier lower than a non-numeric one, and "
  "if all shared identifiers are equal the one with fewer identifiers is lower.",
  r'''
function semverCompare(a, b) {
  const parse = (v) => {
    const i = v.indexOf('-');
    const core = (i < 0 ? v : v.slice(0, i)).split('.').map(Number);
    return [core, i < 0 ? [] : v.slice(i + 1).split('.')];
  };
  const [ca, pa] = parse(a), [cb, pb] = parse(b);
  for (let i = 0; i < 3; i++) if (ca[i] !== cb[i]) return ca[i] < cb[i] ? -1 : 1;
  if (pa.length === 0 || pb.length === 0) {
    if (pa.length === pb.length) return 0;
    return pa.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i], y = pb[i], nx = /^\d+$/.test(x), ny = /^\d+$/.test(y);
    if (nx && ny) {
      const d = BigInt(x) - BigInt(y);
      if (d !== 0n) return d < 0n ? -1 : 1;
    } else if (nx !== ny) {
      return nx ? -1 : 1;
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  if (pa.length === pb.length) return 0;
  return pa.length < pb.length ? -1 : 1;
}
''', r'''
function semverCompare(a, b) {
  const parse = (v) => {
    const i = v.indexOf('-');
    const core = (i < 0 ? v : v.slice(0, i)).split('.').map(Number);
    return [core, i < 0 ? '' : v.slice(i + 1)];
  };
  const [ca, pa] = parse(a), [cb, pb] = parse(b);
  for (let i = 0; i < 3; i++) if (ca[i] !== cb[i]) return ca[i] < cb[i] ? -1 : 1;
  if (pa === pb) return 0;
  if (pa === '') return 1;
  if (pb === '') return -1;
  return pa < pb ? -1 : 1;
}
''', JS_HEAD + r'''
assert.strictEqual(semverCompare('1.0.0', '2.0.0'), -1);
assert.strictEqual(semverCompare('2.0.0', '2.0.0'), 0);
assert.strictEqual(semverCompare('1.10.0', '1.9.0'), 1);
assert.strictEqual(semverCompare('1.0.0-alpha', '1.0.0'), -1);
assert.strictEqual(semverCompare('1.0.0', '1.0.0-rc.1'), 1);
assert.strictEqual(semverCompare('1.0.0-alpha', '1.0.0-alpha.1'), -1);
assert.strictEqual(semverCompare('1.0.0-alpha.1', '1.0.0-alpha.beta'), -1);
assert.strictEqual(semverCompare('1.0.0-beta.11', '1.0.0-rc.1'), -1);
assert.strictEqual(semverCompare('1.0.0-rc.1', '1.0.0-rc.1'), 0);
assert.strictEqual(semverCompare('1.0.0-1', '1.0.0-a'), -1);
assert.strictEqual(semverCompare('1.0.0-alpha.10', '1.0.0-alpha.2'), 1);
assert.strictEqual(semverCompare('1.0.0-beta.2', '1.0.0-beta.11'), -1);
''')

P("javascript", "splitBill", "rounding", "easy", False,
  "Write a JavaScript function `splitBill(totalCents, n)` that splits a non-negative integer "
  "amount of cents among `n` >= 1 people: return an array of `n` integers that add up exactly "
  "to `totalCents`, where any two amounts differ by at most 1 and the larger amounts come "
  "first.",
  r'''
function splitBill(totalCents, n) {
  const base = Math.floor(totalCents / n), extra = totalCents % n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}
''', r'''
function splitBill(totalCents, n) {
  const base = Math.floor(totalCents / n);
  const out = Array(n).fill(base);
  out[n - 1] += totalCents - base * n;
  return out;
}
''', JS_HEAD + r'''
assert.deepStrictEqual(splitBill(99, 3), [33, 33, 33]);
assert.deepStrictEqual(splitBill(0, 3), [0, 0, 0]);
assert.deepStrictEqual(splitBill(5, 1), [5]);
assert.deepStrictEqual(splitBill(100, 3), [34, 33, 33]);
assert.deepStrictEqual(splitBill(10, 4), [3, 3, 2, 2]);
assert.deepStrictEqual(splitBill(2, 5), [1, 1, 0, 0, 0]);
''')

P("javascript", "escapeHtml", "strings", "easy", True,
  "Write a JavaScript function `escapeHtml(s)` that escapes a string for HTML text and attribute "
  "values: `&` -> `&amp;`, `<` -> `&lt;`, `>` -> `&gt;`, `\"` -> `&quot;`, `'` -> `&#39;`. Every "
  "other character is unchanged, and each character of the input is escaped exactly once.",
  r'''
function escapeHtml(s) {
  const map = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return s.replace(/[&<>"']/g, (c) => map[c]);
}
''', r'''
function escapeHtml(s) {
  return s
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/&/g, '&amp;');
}
''', JS_HEAD + r'''
assert.strictEqual(escapeHtml(''), '');
assert.strictEqual(escapeHtml('Tom & Jerry'), 'Tom &amp; Jerry');
assert.strictEqual(escapeHtml('&lt;'), '&amp;lt;');
assert.strictEqual(escapeHtml('\u{1F600} caf\u00e9'), '\u{1F600} caf\u00e9');
assert.strictEqual(escapeHtml('a<b'), 'a&lt;b');
assert.strictEqual(escapeHtml('"hi" \'x\''), '&quot;hi&quot; &#39;x&#39;');
assert.strictEqual(escapeHtml('<&>'), '&lt;&amp;&gt;');
''')


def src(text):
    return text.strip("\n") + "\n"


# ---------------------------------------------------------------- io mains

C_SHOW = r'''
#include <limits.h>
#include <stdio.h>
#include <string.h>

FILE *fdopen(int fd, const char *mode);
static FILE *tb_out;
static inline void tb_show_ll(long long v) { fprintf(tb_out, "%lld\n", v); }
static inline void tb_show_ull(unsigned long long v) { fprintf(tb_out, "%llu\n", v); }
static inline void tb_show_d(double v) { fprintf(tb_out, "%.17g\n", v); }
static inline void tb_show_s(const char *s) { fprintf(tb_out, "\"%s\"\n", s); }
static inline void tb_show_ints(const int *a, int n)
{
	for (int i = 0; i < n; i++)
		fprintf(tb_out, "%d ", a[i]);
	fputc('\n', tb_out);
}
#define TB_SHOW(x) _Generic((x), char *: tb_show_s, const char *: tb_show_s, float: tb_show_d, \
	double: tb_show_d, long double: tb_show_d, unsigned: tb_show_ull, unsigned long: tb_show_ull, \
	unsigned long long: tb_show_ull, default: tb_show_ll)(x)
'''

JS_SHOW = r'''
function tbRepr(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (Array.isArray(v)) return '[' + v.map(tbRepr).join(',') + ']';
  if (v !== null && typeof v === 'object')
    return '{' + Object.keys(v).sort().map((k) => JSON.stringify(k) + ':' + tbRepr(v[k])).join(',') + '}';
  return typeof v + ':' + String(v);
}
function tbShow(v) { require('fs').writeSync(5, tbRepr(v) + '\n'); }
function tbThrows(fn) {
  try { fn(); } catch (e) { return 'threw ' + (e && e.constructor && e.constructor.name); }
  return 'returned';
}
'''


def split_args(text):
    """The top-level comma-separated parts of text (brackets and string
    literals respected)."""
    parts, depth, quote, cur, i = [], 0, None, "", 0
    while i < len(text):
        ch = text[i]
        cur += ch
        if quote:
            if ch == "\\":
                cur += text[i + 1]
                i += 1
            elif ch == quote:
                quote = None
        elif ch in "'\"`":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(cur[:-1].strip())
            cur = ""
        i += 1
    parts.append(cur.strip())
    return parts


def split_and(cond):
    """The conjuncts of a C condition joined by top-level &&."""
    return [p.strip() for p in split_args(cond.replace("&&", ","))]


def c_show(conjunct):
    """The statement that prints what a C check's conjunct looks at."""
    m = re.fullmatch(r"strcmp\((.*)\) == 0", conjunct)
    if m:
        return "TB_SHOW(%s);" % split_args(m.group(1))[0]
    m = re.fullmatch(r"memcmp\((.*)\) == 0", conjunct)
    if m:
        return "tb_show_ints(%s, (int)(sizeof(%s) / sizeof(int)));" % ((split_args(m.group(1))[0],) * 2)
    lhs, rhs = conjunct.split(" == ")
    return "TB_SHOW(%s);" % lhs


def c_main(tests):
    """C checks (TB_CHECK(a == b && ...)) as a main that prints each a."""
    body = tests[tests.index("int main(void)"):]
    body = body.replace("int main(void)\n{\n", "int main(void)\n{\n\ttb_out = fdopen(5, \"w\");\n", 1)
    body = body.replace("\treturn tb_fails != 0;", "\treturn 0;")
    out = []
    for line in body.split("\n"):
        m = re.fullmatch(r"(\s*)TB_CHECK\((.*)\);", line)
        if m:
            out.extend(m.group(1) + c_show(c) for c in split_and(m.group(2)))
        elif not re.search(r"\be\d\[\]", line):       # the expected arrays
            out.append(line)
    main = C_SHOW.strip("\n") + "\n\n" + "\n".join(out)
    assert "TB_CHECK" not in main and "tb_fails" not in main
    return main


def js_main(tests):
    """JavaScript asserts as a main that prints each one's first value."""
    out, stmt = [], ""
    for line in tests.replace(JS_HEAD, "").split("\n"):
        stmt += ("\n" if stmt else "") + line
        if stmt.lstrip().startswith("assert.") and not stmt.rstrip().endswith(");"):
            continue
        m = re.fullmatch(r"(\s*)assert\.(\w+)\((.*)\);", stmt, re.S)
        if m and m.group(2) in ("strictEqual", "deepStrictEqual"):
            out.append("%stbShow(%s);" % (m.group(1), split_args(m.group(3))[0]))
        elif m and m.group(2) == "throws":
            out.append("%stbShow(tbThrows(%s));" % (m.group(1), split_args(m.group(3))[0]))
        else:
            assert "assert" not in stmt, stmt
            out.append(stmt)
        stmt = ""
    return JS_SHOW.strip("\n") + "\n\n" + "\n".join(out).strip("\n") + "\n"


def expected_output(lang, ref, main):
    """What main prints on fd 5 with the reference (ours, trusted)."""
    with tempfile.TemporaryDirectory() as d:
        if lang == "c":
            path = os.path.join(d, "prog.c")
            with open(path, "w") as f:
                f.write(ref + "\n#line 1 \"main.c\"\n" + main)
            subprocess.run(["gcc", "-std=gnu11", "-O1", "-w", "-o", os.path.join(d, "prog"), path, "-lm"],
                           check=True)
            cmd = [os.path.join(d, "prog")]
        else:
            path = os.path.join(d, "solution.js")
            with open(path, "w") as f:
                f.write(ref + "\n;\n" + main)
            cmd = ["node", path]
        p = subprocess.run(["sh", "-c", 'exec "$@" 5>&1 >/dev/null', "sh"] + cmd, stdin=subprocess.DEVNULL,
                           stdout=subprocess.PIPE, timeout=60, check=True)
        out = p.stdout
    assert out, (lang, ref)
    return out.decode("utf-8")


def grader(lang, entry, ref, tests):
    if lang == "python":
        return {"type": "exec", "language": lang, "tests": src(tests), "entry_point": entry,
                "timeout_s": TIMEOUT_S}
    main = c_main(tests) if lang == "c" else js_main(tests)
    return {"type": "exec", "kind": "io", "language": lang, "main": main,
            "tests": [{"input": "", "output": expected_output(lang, src(ref), main)}],
            "compare": "exact", "timeout_s": TIMEOUT_S}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "suites", "code.jsonl")
    counters = {}
    seen = set()
    lines = [json.dumps({"suite": SUITE}, ensure_ascii=False)]
    for lang, entry, topic, level, edge, prompt, ref, wrong, tests in PROBLEMS:
        counters[lang] = counters.get(lang, 0) + 1
        item_id = "%s-%02d" % (PREFIX[lang], counters[lang])
        assert item_id not in seen and level in ("easy", "medium", "hard")
        assert entry + "(" in prompt, item_id
        seen.add(item_id)
        tags = [lang, topic, level] + (["edge-cases"] if edge else [])
        lines.append(json.dumps({
            "id": item_id,
            "prompt": prompt + SUFFIX[lang],
            "lang": "en",
            "tags": tags,
            "grader": grader(lang, entry, ref, tests),
            "reference": src(ref),
            "wrong_reference": src(wrong),
        }, ensure_ascii=False))
    assert counters == {"python": 40, "c": 15, "javascript": 15}, counters
    with open(out, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

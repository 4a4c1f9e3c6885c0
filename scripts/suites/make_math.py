#!/usr/bin/env python3
"""Writes suites/math.jsonl from the problems below (original problems written
for thinkbench). The answers here are worked by hand; math_answers.py computes
each one again independently and checks the file.

Usage: python3 scripts/suites/make_math.py [output]   (default suites/math.jsonl)
"""
import json
import os
import sys

SUITE = {
    "name": "math",
    "description": "Original math problems from grade-school word problems to "
                   "competition level, numeric or simple LaTeX answers.",
    "template": "{prompt}\nPlease reason step by step, and put your final answer "
                "within \\boxed{}.",
    "grader": {"type": "numeric", "tolerance": 1e-6},
    "lang": "en",
    "tags": ["math"],
}

# (number, topic, difficulty, prompt, answer); answers that are LaTeX use the
# "math" grader.
PROBLEMS = [
    (1, "arithmetic", "easy", "A bakery bakes 14 trays of muffins with 12 muffins on each tray. It sells 97 muffins in the morning and 45 in the afternoon. How many muffins are left at the end of the day?", "26"),
    (2, "arithmetic", "easy", "Maya reads 18 pages on Monday, twice as many pages on Tuesday, and 7 fewer pages on Wednesday than on Tuesday. How many pages does she read over the three days?", "83"),
    (3, "arithmetic", "easy", "A school orders 9 boxes of pencils with 24 pencils in each box and shares them equally among 6 classes. How many pencils does each class get?", "36"),
    (4, "arithmetic", "easy", "Museum tickets cost $8 for an adult and $5 for a child. A group of 3 adults and 7 children pays with a $100 bill. How many dollars of change do they get?", "41"),
    (5, "arithmetic", "easy", "A train leaves at 9:40 in the morning and arrives at 13:15 the same day. How many minutes does the trip take?", "215"),
    (6, "arithmetic", "easy", "A farm has 52 chickens and 17 cows. How many legs do the animals have altogether?", "172"),
    (7, "arithmetic", "easy", "Liam already has $38 and saves $15 more at the end of each week. After how many weeks will he first have at least $200?", "11"),
    (8, "arithmetic", "easy", "A rectangular garden is 24 m long and 15 m wide. A fence goes all the way around it except for a gate opening 3 m wide. How many metres of fence are needed?", "75"),
    (9, "arithmetic", "easy", "A shirt costs $40. It is discounted by 25%, and then a 10% sales tax is added to the discounted price. What is the final price in dollars?", "33"),
    (10, "arithmetic", "easy", "A recipe uses 3 eggs for every 250 g of flour. How many eggs are needed for 1.5 kg of flour?", "18"),
    (11, "arithmetic", "easy", "Priya is 4 times as old as her son. In 20 years she will be twice as old as he will be then. How old is Priya now?", "40"),
    (12, "arithmetic", "easy", "A water tank holds 1200 litres and is 35% full. A pump adds 60 litres per minute. How many minutes does it take to fill the tank?", "13"),
    (13, "arithmetic", "medium", "A car uses 6.5 litres of fuel per 100 km, and fuel costs $1.80 per litre. How many dollars does the fuel for a 640 km trip cost?", "74.88"),
    (14, "arithmetic", "easy", "Five workers paint a fence in 12 hours. How many hours would 4 workers take, working at the same rate?", "15"),
    (15, "arithmetic", "easy", "In a class of 30 students, 40% walk to school. One third of the remaining students take the bus, and the rest are driven. How many students are driven to school?", "12"),
    (16, "arithmetic", "easy", "The average of Noor's first five test scores is 84. After the sixth test her average is 86. What did she score on the sixth test?", "96"),
    (17, "arithmetic", "medium", "A shop sells pens in packs of 4 for $3, or singly for $1 each. What is the least amount of money, in dollars, needed to buy exactly 23 pens?", "18"),
    (18, "arithmetic", "medium", "A jar holds red and blue marbles in the ratio 3:5, 64 marbles in all. How many red marbles must be added so that there are equally many red and blue marbles?", "16"),
    (19, "geometry", "medium", "What is the smaller angle, in degrees, between the hour hand and the minute hand of a clock at 3:30?", "75"),
    (20, "arithmetic", "medium", "A cyclist rides 18 km to a lake at 12 km/h and rides back the same way at 18 km/h. What is her average speed for the whole trip in km/h?", "14.4"),
    (21, "algebra", "easy", "Solve for x: 3(x - 4) + 5 = 2x + 7.", "14"),
    (22, "algebra", "easy", "What is the sum of the roots of 2x^2 - 11x + 5 = 0?", "\\frac{11}{2}"),
    (23, "algebra", "easy", "Let f(x) = 2x + 3 and g(x) = x^2 - 1. Compute f(g(3)) + g(f(1)).", "43"),
    (24, "algebra", "easy", "Two numbers add up to 41 and differ by 9. What is their product?", "400"),
    (25, "algebra", "easy", "Find the positive solution of x^2 - 5x - 84 = 0.", "12"),
    (26, "algebra", "medium", "The 5th term of an arithmetic sequence is 23 and the 12th term is 58. What is the 20th term?", "98"),
    (27, "algebra", "medium", "A geometric sequence has first term 3 and common ratio 2. What is the sum of its first 10 terms?", "3069"),
    (28, "algebra", "medium", "The real numbers x, y, z satisfy x + y + z = 6, x - y + 2z = 5 and 2x + y - z = 1. Find xyz.", "6"),
    (29, "algebra", "easy", "What is the minimum value of x^2 - 6x + 13 over all real x?", "4"),
    (30, "algebra", "medium", "How many integers x satisfy |2x - 7| < 5?", "4"),
    (31, "algebra", "medium", "If a + b = 7 and ab = 10, what is a^3 + b^3?", "133"),
    (32, "algebra", "medium", "Solve for x: log_2(x) + log_2(x - 2) = 3.", "4"),
    (33, "algebra", "medium", "For which positive number k is the line y = kx + 1 tangent to the parabola y = x^2 + 2?", "2"),
    (34, "algebra", "medium", "What is the sum of the squares of the roots of x^3 - 6x^2 + 11x - 6 = 0?", "14"),
    (35, "algebra", "medium", "Solve for x: \\sqrt{x + 7} = x - 5.", "9"),
    (36, "algebra", "hard", "A function f satisfies f(x) + 2f(1/x) = 3x for every nonzero real x. Find f(2).", "-1"),
    (37, "algebra", "medium", "What is the sum of the positive real solutions of x^4 - 13x^2 + 36 = 0?", "5"),
    (38, "algebra", "hard", "A real number x satisfies x + 1/x = 3. Find x^5 + 1/x^5.", "123"),
    (39, "algebra", "medium", "How many real solutions does x^3 - 3x + 1 = 0 have?", "3"),
    (40, "algebra", "easy", "Find the ordered pair (x, y) that satisfies 2x + 3y = 12 and x - y = 1.", "(3, 2)"),
    (41, "number_theory", "medium", "What is the remainder when 2^{100} is divided by 7?", "2"),
    (42, "number_theory", "medium", "What is the greatest common divisor of 2^{12} - 1 and 2^{18} - 1?", "63"),
    (43, "number_theory", "easy", "How many positive divisors does 720 have?", "30"),
    (44, "number_theory", "medium", "What is the smallest positive integer that leaves remainder 2 when divided by 3, remainder 3 when divided by 4, and remainder 4 when divided by 5?", "59"),
    (45, "number_theory", "easy", "What is the sum of the digits of 2^{20}?", "31"),
    (46, "number_theory", "medium", "What is the remainder when 7^{2024} is divided by 100?", "1"),
    (47, "number_theory", "medium", "How many integers from 1 to 1000 inclusive are divisible by 3 or by 5 but not by 15?", "401"),
    (48, "number_theory", "medium", "How many zeros are at the end of the decimal representation of 125!?", "31"),
    (49, "number_theory", "medium", "What is the sum of all positive divisors of 360?", "1170"),
    (50, "number_theory", "medium", "How many integers from 1 to 1001 inclusive are relatively prime to 1001?", "720"),
    (51, "number_theory", "medium", "What is the largest prime factor of 3^8 - 1?", "41"),
    (52, "number_theory", "hard", "Find the smallest positive integer n such that n leaves remainder 3 when divided by 7, remainder 5 when divided by 11, and remainder 7 when divided by 13.", "423"),
    (53, "number_theory", "hard", "How many ordered pairs of positive integers (a, b) satisfy 1/a + 1/b = 1/6?", "9"),
    (54, "number_theory", "easy", "What is the units digit of 3^{2025}?", "3"),
    (55, "number_theory", "medium", "What is the smallest positive integer that has exactly 12 positive divisors?", "60"),
    (56, "number_theory", "medium", "Find the sum of all two-digit primes that remain prime when their digits are reversed.", "429"),
    (57, "number_theory", "medium", "What is the remainder when 1! + 2! + 3! + ... + 100! is divided by 12?", "9"),
    (58, "number_theory", "hard", "How many perfect squares (including 1) are divisors of 10!?", "30"),
    (59, "number_theory", "easy", "In base b, the numeral 121 represents the number one hundred. What is b?", "9"),
    (60, "number_theory", "medium", "What is the largest integer n such that 3^n divides 100!?", "48"),
    (61, "combinatorics", "easy", "How many different arrangements are there of the letters of the word BANANA?", "60"),
    (62, "combinatorics", "medium", "A committee of 4 people is chosen from 6 men and 5 women. How many committees include at least 2 women?", "215"),
    (63, "combinatorics", "easy", "A path on the grid goes from (0, 0) to (5, 3) using unit steps right or up. How many such paths are there?", "56"),
    (64, "combinatorics", "easy", "Two fair six-sided dice are rolled. What is the probability that the sum is 8?", "\\frac{5}{36}"),
    (65, "combinatorics", "medium", "How many four-digit positive integers have digits that strictly increase from left to right?", "126"),
    (66, "combinatorics", "medium", "In how many ways can 5 letters be put into their 5 addressed envelopes, one per envelope, so that no letter is in its own envelope?", "44"),
    (67, "combinatorics", "medium", "How many ordered triples of non-negative integers (x, y, z) satisfy x + y + z = 10?", "66"),
    (68, "combinatorics", "hard", "How many subsets of {1, 2, ..., 10}, including the empty set, contain no two consecutive integers?", "144"),
    (69, "combinatorics", "medium", "Six people sit around a round table; seatings that differ only by rotation count as the same. In how many seatings are two particular people, Ana and Ben, not next to each other?", "72"),
    (70, "combinatorics", "medium", "Three cards are drawn at random without replacement from a standard 52-card deck. What is the probability that all three are hearts?", "\\frac{11}{850}"),
    (71, "combinatorics", "hard", "How many positive integers less than 1000 have digits that add up to 10?", "63"),
    (72, "combinatorics", "hard", "A fair coin is flipped until two heads in a row appear. What is the expected number of flips?", "6"),
    (73, "geometry", "easy", "How many diagonals does a convex polygon with 12 sides have?", "54"),
    (74, "combinatorics", "medium", "In how many ways can a 2 by 10 rectangle be tiled with 1 by 2 dominoes?", "89"),
    (75, "number_theory", "medium", "How many positive integers not exceeding 100 are divisible by none of 2, 3 and 5?", "26"),
    (76, "combinatorics", "hard", "In how many ways can 5 pairs of parentheses be arranged so that they are correctly matched? (For example, with 2 pairs there are 2 ways: (()) and ()().)", "42"),
    (77, "geometry", "easy", "A right triangle has legs of length 20 and 21. How long is its hypotenuse?", "29"),
    (78, "geometry", "medium", "What is the area of the triangle with vertices (1, 2), (7, 5) and (4, 11)?", "22.5"),
    (79, "geometry", "easy", "A circle is inscribed in a square of side 10. What is the area of the circle? Give the answer in terms of \\pi.", "25\\pi"),
    (80, "geometry", "medium", "A triangle has sides 13, 14 and 15. What is its area?", "84"),
    (81, "geometry", "medium", "A triangle has sides 13, 14 and 15. What is the radius of its inscribed circle?", "4"),
    (82, "geometry", "medium", "What is the area of a regular hexagon with side length 4? Give the answer in simplest radical form.", "24\\sqrt{3}"),
    (83, "geometry", "easy", "What is the sum of the interior angles, in degrees, of a convex polygon with 15 sides?", "2340"),
    (84, "geometry", "easy", "A cylinder has radius 3 and height 8. What is its volume? Give the answer in terms of \\pi.", "72\\pi"),
    (85, "geometry", "easy", "What is the distance between the points (-3, 4) and (5, -2)?", "10"),
    (86, "geometry", "medium", "A 25-foot ladder leans against a vertical wall with its foot 7 feet from the wall. The top of the ladder slides 4 feet down the wall. How many feet does the foot of the ladder slide away from the wall?", "8"),
    (87, "geometry", "medium", "What is the radius of the circle that passes through the three vertices of a triangle with sides 5, 12 and 13?", "6.5"),
    (88, "geometry", "medium", "A space diagonal of a cube has length 6\\sqrt{3}. What is the volume of the cube?", "216"),
    (89, "geometry", "medium", "Let A = (0, 0), B = (8, 0) and C = (0, 6). What is the distance from A to the line BC?", "4.8"),
    (90, "geometry", "easy", "A chord of length 8 is drawn in a circle of radius 5. How far is the chord from the centre of the circle?", "3"),
    (91, "geometry", "medium", "In triangle ABC, AB = 5, BC = 6 and CA = 7. What is the cosine of angle B?", "\\frac{1}{5}"),
    (92, "geometry", "hard", "What is the volume of a regular tetrahedron whose edges all have length 6? Give the answer in simplest radical form.", "18\\sqrt{2}"),
    (93, "number_theory", "competition", "For how many positive integers n not exceeding 1000 is n^2 + 1 divisible by 5?", "400"),
    (94, "number_theory", "competition", "Find the sum of all positive integers n for which n^2 + 45 is a perfect square.", "30"),
    (95, "combinatorics", "competition", "How many ordered triples of positive integers (a, b, c) satisfy abc = 360?", "180"),
    (96, "algebra", "competition", "A sequence has a_1 = 1 and a_{n+1} = a_n + 2n + 1 for n >= 1. Find a_{50}.", "2500"),
    (97, "number_theory", "competition", "What is the remainder when 3^{27} is divided by 100?", "87"),
    (98, "number_theory", "competition", "For how many integers n with 1 <= n <= 50 is n^2 + n + 41 not a prime number?", "4"),
    (99, "algebra", "competition", "Real numbers x and y satisfy x + y = 10 and x^2 + y^2 = 58. Find x^3 + y^3.", "370"),
    (100, "geometry", "competition", "What is the area of the region enclosed by the graph of |x| + |2y| = 8?", "64"),
]


def is_latex(answer):
    return "\\" in answer or answer.startswith("(")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "suites", "math.jsonl")
    seen = set()
    with open(out, "w", encoding="utf-8") as f:
        f.write(json.dumps({"suite": SUITE}, ensure_ascii=False) + "\n")
        for num, topic, level, prompt, answer in PROBLEMS:
            assert num not in seen
            seen.add(num)
            item = {"id": "math-%03d" % num, "prompt": prompt, "answer": answer,
                    "tags": [topic, level]}
            if is_latex(answer):
                item["grader"] = {"type": "math"}
            f.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes suites/multilingual.jsonl: the same 25 original grade-school word
problems, written natively in 16 languages, so that per-language accuracy
compares like with like. The numbers are identical in every language; names,
currencies and phrasing are local. Each prompt ends with an instruction, in its
own language, to reason step by step in that language and to finish with that
language's "The answer is N.". The grader is numeric with the language check.

The answers are worked by hand below and computed again from each problem's
formula; scripts/suites/math_answers.py checks them a third time.

Usage: python3 scripts/suites/make_multilingual.py [output]
       python3 scripts/suites/make_multilingual.py --check [file]
(default suites/multilingual.jsonl). --check exits 1 when the file differs
from what this script writes or when any answer or translation is wrong.
"""
import json
import os
import re
import sys
import unicodedata

SUITE = {
    "name": "multilingual",
    "description": "The same 25 original grade-school word problems (rates, "
                   "percentages, ages, areas, counting, money, time) written "
                   "natively in 16 languages; integer answers, reasoning and "
                   "answer expected in the prompt's language.",
    "grader": {"type": "numeric", "check_lang": True},
    "tags": ["multilingual"],
}

# BCP 47 tags, in the order items are written.
LANGS = ["en", "zh", "ja", "ko", "ar", "hi", "bn", "th", "te", "sw", "ru", "de",
         "fr", "es", "id", "yo"]

# (number, topic, difficulty, answer worked by hand, the same computed)
PROBLEMS = [
    (1, "counting", "easy", 17, lambda: 5 * 4 - 3),
    (2, "fractions", "easy", 22, lambda: 36 - 36 // 4 - 5),
    (3, "money", "easy", 50, lambda: 3 * 12 + 2 * 7),
    (4, "rates", "easy", 45, lambda: 120 // 8 * 3),
    (5, "money", "easy", 5, lambda: (50 - 2 * 15) // 4),
    (6, "arithmetic", "medium", 108, lambda: 24 + 24 // 2 + 2 * (24 + 24 // 2)),
    (7, "rates", "easy", 340, lambda: 3 * 60 + 2 * 80),
    (8, "ages", "easy", 33, lambda: 6 * 7 - 9),
    (9, "money", "medium", 270, lambda: 1000 - 3 * 180 - 2 * 95),
    (10, "time", "easy", 180, lambda: 45 * 4),
    (11, "patterns", "medium", 55, lambda: sum(range(1, 11))),
    (12, "money", "easy", 34, lambda: 2 * (8 + 5) + 8),
    (13, "percentages", "easy", 63, lambda: 90 - 90 * 30 // 100),
    (14, "combinatorics", "easy", 48, lambda: 4 * 6 * 2),
    (15, "measurement", "easy", 4, lambda: (16 - 4) // 3),
    (16, "time", "easy", 95, lambda: 3 * 15 + 2 * 25),
    (17, "geometry", "easy", 38, lambda: 2 * (12 + 7)),
    (18, "measurement", "medium", 12, lambda: 3 * 1000 // 250),
    (19, "arithmetic", "easy", 25, lambda: 35 - 8 + 12 - 14),
    (20, "geometry", "easy", 126, lambda: 2 * 9 * 7),
    (21, "algebra", "medium", 120, lambda: (300 - 60) // 2),
    (22, "rates", "medium", 4, lambda: 3 * 8 // 6),
    (23, "arithmetic", "easy", 51, lambda: 5 * 12 - 9),
    (24, "combinatorics", "medium", 32, lambda: 2 ** 5),
    (25, "ages", "easy", 37, lambda: 2 * 16 + 5),
]

# The closing instruction per language; "N" stands for the final number.
INSTRUCTION = {
    "en": "Reason step by step in English, and end your reply with the sentence \"The answer is N.\", where N is the final number.",
    "zh": "请用中文一步一步地推理，并在最后写出“答案是 N。”，其中 N 是最终的数字。",
    "ja": "日本語で順を追って考え、最後に「答えは N です。」と書いてください（N は最終的な数です）。",
    "ko": "한국어로 단계별로 풀이한 뒤, 마지막에 \"답은 N입니다.\"라고 쓰세요. 여기서 N은 최종 숫자입니다.",
    "ar": "فكّر خطوة بخطوة باللغة العربية، ثم اختم إجابتك بعبارة \"الإجابة هي N.\" حيث N هو العدد النهائي.",
    "hi": "हिंदी में चरण-दर-चरण सोचिए और अपना जवाब \"उत्तर N है।\" वाक्य के साथ समाप्त कीजिए, जहाँ N अंतिम संख्या है।",
    "bn": "বাংলায় ধাপে ধাপে চিন্তা করুন এবং শেষে \"উত্তর হল N।\" বাক্যটি লিখুন, যেখানে N হল চূড়ান্ত সংখ্যা।",
    "th": "กรุณาคิดทีละขั้นตอนเป็นภาษาไทย แล้วปิดท้ายคำตอบด้วยประโยค \"คำตอบคือ N\" โดย N คือตัวเลขคำตอบสุดท้าย",
    "te": "తెలుగులో దశలవారీగా ఆలోచించి, చివరగా \"సమాధానం N.\" అని రాయండి; ఇక్కడ N అనేది తుది సంఖ్య.",
    "sw": "Fikiri hatua kwa hatua kwa Kiswahili, kisha malizia jibu lako kwa sentensi \"Jibu ni N.\", ambapo N ni namba ya mwisho.",
    "ru": "Рассуждайте шаг за шагом на русском языке и закончите ответ фразой «Ответ: N.», где N — итоговое число.",
    "de": "Denken Sie Schritt für Schritt auf Deutsch nach und beenden Sie Ihre Antwort mit dem Satz „Die Antwort ist N.“, wobei N die endgültige Zahl ist.",
    "fr": "Raisonnez étape par étape en français, puis terminez votre réponse par la phrase « La réponse est N. », où N est le nombre final.",
    "es": "Razona paso a paso en español y termina tu respuesta con la frase «La respuesta es N.», donde N es el número final.",
    "id": "Pikirkan langkah demi langkah dalam bahasa Indonesia, lalu akhiri jawaban Anda dengan kalimat \"Jawabannya adalah N.\", dengan N adalah angka akhir.",
    "yo": "Ronú ní ìgbésẹ̀-sí-ìgbésẹ̀ ní èdè Yorùbá, kí o sì parí ìdáhùn rẹ pẹ̀lú gbólóhùn náà \"Ìdáhùn náà ni N.\", níbi tí N jẹ́ nọ́ńbà ìkẹyìn.",
}

# The problems, in the order of PROBLEMS, per language.
TEXT = {}

TEXT["en"] = [
    "A classroom has 5 rows of desks with 4 desks in each row. 3 of the desks are empty. How many desks are occupied?",
    "A baker makes 36 rolls. She sells a quarter of them in the morning and gives 5 to her neighbours. How many rolls does she have left?",
    "Amina buys 3 notebooks at 12 dollars each and 2 pens at 7 dollars each. How many dollars does she spend in total?",
    "A car travels 120 km on 8 litres of fuel. How many kilometres can it travel on 3 litres?",
    "Tom has 50 dollars. He buys 2 books at 15 dollars each and spends the rest of his money on pencils that cost 4 dollars each. How many pencils does he buy?",
    "A fruit seller sells 24 mangoes on Monday and half as many on Tuesday. On Wednesday she sells twice as many as on Monday and Tuesday together. How many mangoes does she sell over the three days?",
    "A bus travels for 3 hours at 60 km/h and then for 2 hours at 80 km/h. How many kilometres does it travel in total?",
    "Omar is 7 years old. His mother is 6 times as old as he is, and his aunt is 9 years younger than his mother. How old is his aunt?",
    "Lena has 1000 dollars. She buys 3 coats at 180 dollars each and 2 pairs of shoes at 95 dollars a pair. How many dollars does she have left?",
    "Kofi practises the piano for 45 minutes a day, 4 days a week. How many minutes does he practise each week?",
    "Cans are stacked in 10 rows. The top row has 1 can, and each row below has one more can than the row above it. How many cans are there in total?",
    "A pen costs 8 dollars, and a notebook costs 5 dollars more than a pen. How many dollars do 2 notebooks and 1 pen cost altogether?",
    "A pair of shoes costs 90 dollars. In a sale, the price is reduced by 30%. What is the sale price in dollars?",
    "Sara has 4 shirts, 6 pairs of trousers and 2 hats. An outfit is one shirt, one pair of trousers and one hat. How many different outfits can she put together?",
    "A rope is 16 metres long. 4 metres are cut off, and the rest is cut into 3 pieces of equal length. How many metres long is each piece?",
    "Mei watches 3 videos that are 15 minutes long each and 2 videos that are 25 minutes long each. How many minutes does she spend watching videos in total?",
    "A rectangular garden is 12 metres long and 7 metres wide. How many metres of fence are needed to go all the way around it?",
    "A bottle holds 3 litres of juice. How many glasses of 250 millilitres each can be filled from it?",
    "A bus has 35 passengers. At the first stop, 8 passengers get off and 12 get on. At the second stop, 14 passengers get off. How many passengers are on the bus now?",
    "A house has 2 rooms, each 9 metres long and 7 metres wide. What is the total floor area of the 2 rooms in square metres?",
    "Two sisters share 300 dollars. The older sister gets 60 dollars more than the younger one. How many dollars does the younger sister get?",
    "3 workers can build a wall in 8 days. How many days would 6 workers need to build the same wall, working at the same rate?",
    "A shop receives 5 boxes of eggs with 12 eggs in each box. 9 of the eggs are broken. How many eggs are not broken?",
    "There are 5 lamps in a row, and each lamp can be either on or off. How many different on/off patterns are possible?",
    "Lina is 16 years old. Her father's age is 5 more than twice her age. How old is her father?",
]

TEXT["zh"] = [
    "一间教室里有 5 排课桌，每排 4 张。其中 3 张课桌是空的。有多少张课桌有人坐？",
    "一位面包师做了 36 个面包。她上午卖掉了其中的四分之一，又送给邻居 5 个。她还剩多少个面包？",
    "小红买了 3 本笔记本，每本 12 元，又买了 2 支笔，每支 7 元。她一共花了多少元？",
    "一辆汽车用 8 升油可以行驶 120 千米。用 3 升油可以行驶多少千米？",
    "小明有 50 元。他买了 2 本书，每本 15 元，剩下的钱全部用来买铅笔，每支铅笔 4 元。他买了多少支铅笔？",
    "一位卖水果的阿姨星期一卖出 24 个芒果，星期二卖出的数量是星期一的一半。星期三卖出的数量是星期一和星期二总和的两倍。这三天她一共卖出多少个芒果？",
    "一辆公共汽车以每小时 60 千米的速度行驶了 3 小时，然后以每小时 80 千米的速度行驶了 2 小时。它一共行驶了多少千米？",
    "小军今年 7 岁。他妈妈的年龄是他的 6 倍，他阿姨比他妈妈小 9 岁。他阿姨今年多少岁？",
    "李娜有 1000 元。她买了 3 件外套，每件 180 元，又买了 2 双鞋，每双 95 元。她还剩多少元？",
    "小刚每周练习钢琴 4 天，每天练习 45 分钟。他每周练习钢琴多少分钟？",
    "一堆罐头摆成 10 层。最上面一层有 1 个罐头，下面每一层都比它上面的一层多一个。这堆罐头一共有多少个？",
    "一支钢笔 8 元，一本笔记本比一支钢笔贵 5 元。买 2 本笔记本和 1 支钢笔一共需要多少元？",
    "一双鞋原价 90 元。促销期间降价 30%。促销价是多少元？",
    "小丽有 4 件衬衫、6 条裤子和 2 顶帽子。一套搭配包括一件衬衫、一条裤子和一顶帽子。她一共可以搭配出多少种不同的服装？",
    "一根绳子长 16 米。先剪掉 4 米，剩下的部分再剪成长度相等的 3 段。每段长多少米？",
    "小梅看了 3 个视频，每个 15 分钟，又看了 2 个视频，每个 25 分钟。她一共看了多少分钟的视频？",
    "一个长方形花园长 12 米、宽 7 米。沿着花园围一圈篱笆，需要多少米篱笆？",
    "一个瓶子里装有 3 升果汁。这些果汁可以倒满多少个容量为 250 毫升的杯子？",
    "一辆公共汽车上有 35 名乘客。到第一站时，下车 8 人，上车 12 人。到第二站时，下车 14 人。现在车上有多少名乘客？",
    "一套房子有 2 个房间，每个房间长 9 米、宽 7 米。这 2 个房间的地面总面积是多少平方米？",
    "姐妹俩分 300 元。姐姐比妹妹多分 60 元。妹妹分到多少元？",
    "3 名工人 8 天可以砌好一堵墙。如果 6 名工人以同样的效率工作，砌好同样的一堵墙需要多少天？",
    "一家商店收到 5 箱鸡蛋，每箱 12 个。其中有 9 个鸡蛋破了。没有破的鸡蛋有多少个？",
    "一排有 5 盏灯，每盏灯可以开着，也可以关着。这排灯一共可能有多少种不同的开关状态？",
    "小琳今年 16 岁。她爸爸的年龄比她年龄的两倍还多 5 岁。她爸爸今年多少岁？",
]

TEXT["ja"] = [
    "ある教室には机が 5 列並んでいて、各列に 4 台ずつあります。そのうち 3 台の机は空いています。人が座っている机は何台ですか。",
    "パン屋さんがパンを 36 個焼きました。午前中にその四分の一を売り、近所の人に 5 個あげました。パンは何個残っていますか。",
    "さくらさんは 1 冊 12 ドルのノートを 3 冊と、1 本 7 ドルのペンを 2 本買いました。全部で何ドル使いましたか。",
    "ある車は 8 リットルの燃料で 120 km 走ります。3 リットルでは何 km 走れますか。",
    "たけしさんは 50 ドル持っています。1 冊 15 ドルの本を 2 冊買い、残りのお金をすべて使って 1 本 4 ドルの鉛筆を買います。鉛筆を何本買いますか。",
    "果物屋のはなこさんは、月曜日にマンゴーを 24 個売り、火曜日にはその半分の数を売りました。水曜日には、月曜日と火曜日に売った数の合計の 2 倍を売りました。この 3 日間で売ったマンゴーは全部で何個ですか。",
    "バスが時速 60 km で 3 時間走り、その後、時速 80 km で 2 時間走りました。全部で何 km 走りましたか。",
    "けんたくんは 7 歳です。お母さんの年齢はけんたくんの 6 倍で、おばさんはお母さんより 9 歳年下です。おばさんは何歳ですか。",
    "ゆみさんは 1000 ドル持っています。1 着 180 ドルのコートを 3 着と、1 足 95 ドルの靴を 2 足買いました。残りは何ドルですか。",
    "ひろしくんは週に 4 日、1 日 45 分ずつピアノを練習します。1 週間に何分練習しますか。",
    "缶が 10 段に積まれています。いちばん上の段には缶が 1 個あり、その下の段はどれもすぐ上の段より 1 個ずつ多くなっています。缶は全部で何個ありますか。",
    "ペンは 1 本 8 ドルで、ノートはペンより 5 ドル高いです。ノート 2 冊とペン 1 本を買うと、合計で何ドルですか。",
    "90 ドルの靴が、セールで 30% 引きになっています。セール価格は何ドルですか。",
    "さきさんはシャツを 4 枚、ズボンを 6 本、帽子を 2 個持っています。シャツ、ズボン、帽子を 1 つずつ選んで組み合わせるとき、異なる組み合わせは何通りありますか。",
    "長さ 16 m のロープがあります。そこから 4 m を切り取り、残りを同じ長さの 3 本に切り分けます。1 本の長さは何 m ですか。",
    "めいさんは 15 分の動画を 3 本と、25 分の動画を 2 本見ました。動画を見た時間は全部で何分ですか。",
    "縦 12 m、横 7 m の長方形の庭があります。庭のまわりを一周さくで囲むには、さくは何 m 必要ですか。",
    "ボトルにジュースが 3 リットル入っています。250 ミリリットル入るコップを何杯いっぱいにできますか。",
    "バスに乗客が 35 人乗っています。最初のバス停で 8 人が降りて 12 人が乗りました。次のバス停で 14 人が降りました。今、バスには乗客が何人乗っていますか。",
    "ある家には、縦 9 m、横 7 m の部屋が 2 つあります。2 つの部屋の床面積の合計は何平方メートルですか。",
    "姉妹が 300 ドルを分けます。姉は妹より 60 ドル多くもらいます。妹は何ドルもらいますか。",
    "3 人の作業員で壁を作ると 8 日かかります。同じペースで働くとき、6 人で同じ壁を作るには何日かかりますか。",
    "ある店に、卵が 12 個ずつ入った箱が 5 箱届きました。そのうち 9 個の卵が割れていました。割れていない卵は何個ですか。",
    "電球が 5 個 1 列に並んでいて、それぞれの電球はついているか消えているかのどちらかです。つく・消えるの並び方は全部で何通りありますか。",
    "りなさんは 16 歳です。お父さんの年齢は、りなさんの年齢の 2 倍より 5 歳多いです。お父さんは何歳ですか。",
]

TEXT["ko"] = [
    "한 교실에 책상이 5줄 있고, 각 줄에 책상이 4개씩 있습니다. 그중 3개의 책상은 비어 있습니다. 사람이 앉아 있는 책상은 몇 개입니까?",
    "제빵사가 빵을 36개 구웠습니다. 오전에 그중 4분의 1을 팔고, 이웃에게 5개를 나누어 주었습니다. 남은 빵은 몇 개입니까?",
    "지수는 한 권에 12달러인 공책 3권과 한 자루에 7달러인 펜 2자루를 샀습니다. 모두 몇 달러를 썼습니까?",
    "어떤 자동차는 연료 8리터로 120km를 달립니다. 연료 3리터로는 몇 km를 달릴 수 있습니까?",
    "민준이는 50달러를 가지고 있습니다. 한 권에 15달러인 책 2권을 사고, 남은 돈을 모두 써서 한 자루에 4달러인 연필을 샀습니다. 연필을 몇 자루 샀습니까?",
    "과일 가게 주인이 월요일에 망고를 24개 팔았고, 화요일에는 월요일의 절반을 팔았습니다. 수요일에는 월요일과 화요일에 판 개수를 합한 것의 2배를 팔았습니다. 사흘 동안 판 망고는 모두 몇 개입니까?",
    "버스가 시속 60km로 3시간 달린 다음, 시속 80km로 2시간 달렸습니다. 버스가 달린 거리는 모두 몇 km입니까?",
    "준호는 7살입니다. 어머니의 나이는 준호 나이의 6배이고, 이모는 어머니보다 9살 어립니다. 이모는 몇 살입니까?",
    "서연이는 1000달러를 가지고 있습니다. 한 벌에 180달러인 코트 3벌과 한 켤레에 95달러인 신발 2켤레를 샀습니다. 남은 돈은 몇 달러입니까?",
    "도윤이는 일주일에 4일, 하루에 45분씩 피아노를 연습합니다. 일주일 동안 연습하는 시간은 모두 몇 분입니까?",
    "캔이 10층으로 쌓여 있습니다. 맨 위층에는 캔이 1개 있고, 그 아래의 각 층에는 바로 위층보다 캔이 1개씩 더 있습니다. 캔은 모두 몇 개입니까?",
    "펜 한 자루는 8달러이고, 공책 한 권은 펜보다 5달러 더 비쌉니다. 공책 2권과 펜 1자루를 사면 모두 몇 달러입니까?",
    "90달러짜리 신발을 할인 행사에서 30% 할인하여 팝니다. 할인된 가격은 몇 달러입니까?",
    "하은이는 셔츠 4벌, 바지 6벌, 모자 2개를 가지고 있습니다. 셔츠, 바지, 모자를 하나씩 골라 입는다면, 서로 다른 옷차림은 모두 몇 가지입니까?",
    "길이가 16m인 밧줄이 있습니다. 이 밧줄에서 4m를 잘라 내고, 나머지를 같은 길이의 3도막으로 나누었습니다. 한 도막의 길이는 몇 m입니까?",
    "수아는 15분짜리 동영상 3편과 25분짜리 동영상 2편을 보았습니다. 동영상을 본 시간은 모두 몇 분입니까?",
    "가로 12m, 세로 7m인 직사각형 모양의 정원이 있습니다. 정원의 둘레에 울타리를 한 바퀴 두르려면 울타리가 몇 m 필요합니까?",
    "병에 주스가 3리터 들어 있습니다. 250밀리리터짜리 컵을 몇 잔 가득 채울 수 있습니까?",
    "버스에 승객 35명이 타고 있습니다. 첫 번째 정류장에서 8명이 내리고 12명이 탔습니다. 두 번째 정류장에서 14명이 내렸습니다. 지금 버스에 타고 있는 승객은 몇 명입니까?",
    "어떤 집에 가로 9m, 세로 7m인 방이 2개 있습니다. 두 방의 바닥 넓이를 합하면 몇 제곱미터입니까?",
    "두 자매가 300달러를 나누어 가집니다. 언니는 동생보다 60달러를 더 받습니다. 동생은 몇 달러를 받습니까?",
    "일꾼 3명이 벽 하나를 쌓는 데 8일이 걸립니다. 같은 속도로 일한다면 일꾼 6명이 같은 벽을 쌓는 데 며칠이 걸립니까?",
    "한 가게에 달걀이 12개씩 들어 있는 상자 5개가 배달되었습니다. 그중 9개의 달걀이 깨져 있었습니다. 깨지지 않은 달걀은 몇 개입니까?",
    "전등 5개가 한 줄로 놓여 있고, 각 전등은 켜져 있거나 꺼져 있을 수 있습니다. 켜짐과 꺼짐으로 만들 수 있는 서로 다른 경우는 모두 몇 가지입니까?",
    "유나는 16살입니다. 아버지의 나이는 유나 나이의 2배보다 5살 많습니다. 아버지는 몇 살입니까?",
]

TEXT["ar"] = [
    "في أحد الفصول 5 صفوف من المقاعد، وفي كل صف 4 مقاعد. هناك 3 مقاعد فارغة. كم مقعدًا مشغولًا؟",
    "خبزت خبّازة 36 رغيفًا. باعت ربعها في الصباح، وأعطت جيرانها 5 أرغفة. كم رغيفًا بقي لديها؟",
    "اشترت أمينة 3 دفاتر سعر الواحد منها 12 ريالًا، وقلمين سعر الواحد منهما 7 ريالات. كم ريالًا أنفقت في المجموع؟",
    "تقطع سيارة 120 كيلومترًا باستهلاك 8 لترات من الوقود. كم كيلومترًا يمكنها أن تقطع باستهلاك 3 لترات؟",
    "مع عمر 50 ريالًا. اشترى كتابين سعر الواحد منهما 15 ريالًا، وأنفق بقية ماله على أقلام رصاص سعر الواحد منها 4 ريالات. كم قلم رصاص اشترى؟",
    "باعت بائعة فاكهة 24 ثمرة مانجو يوم الاثنين، ونصف هذا العدد يوم الثلاثاء. وفي يوم الأربعاء باعت ضعف ما باعته يومي الاثنين والثلاثاء معًا. كم ثمرة مانجو باعت في الأيام الثلاثة؟",
    "سارت حافلة مدة 3 ساعات بسرعة 60 كيلومترًا في الساعة، ثم مدة ساعتين بسرعة 80 كيلومترًا في الساعة. كم كيلومترًا قطعت الحافلة في المجموع؟",
    "يبلغ سالم من العمر 7 سنوات. عمر أمه يساوي 6 أضعاف عمره، وخالته أصغر من أمه بـ 9 سنوات. كم يبلغ عمر خالته؟",
    "مع ليلى 1000 ريال. اشترت 3 معاطف سعر الواحد منها 180 ريالًا، وزوجين من الأحذية سعر الزوج الواحد 95 ريالًا. كم ريالًا بقي معها؟",
    "يتدرّب كريم على البيانو 45 دقيقة في اليوم، 4 أيام في الأسبوع. كم دقيقة يتدرّب كل أسبوع؟",
    "رُصّت علب في 10 صفوف بعضها فوق بعض. في الصف العلوي علبة واحدة، وفي كل صف تحته علبة واحدة أكثر من الصف الذي فوقه. كم علبة في المجموع؟",
    "سعر القلم 8 ريالات، وسعر الدفتر يزيد على سعر القلم بـ 5 ريالات. كم ريالًا ثمن دفترين وقلم واحد معًا؟",
    "سعر زوج من الأحذية 90 ريالًا. في موسم التخفيضات خُفِّض السعر بنسبة 30%. كم ريالًا السعر بعد التخفيض؟",
    "لدى سارة 4 قمصان و6 سراويل وقبعتان. يتكوّن الزيّ من قميص واحد وسروال واحد وقبعة واحدة. كم زيًّا مختلفًا يمكنها أن تكوّن؟",
    "حبل طوله 16 مترًا. قُطع منه 4 أمتار، ثم قُسّم الباقي إلى 3 قطع متساوية الطول. كم مترًا طول كل قطعة؟",
    "شاهدت مي 3 مقاطع فيديو مدة كل منها 15 دقيقة، ومقطعين مدة كل منهما 25 دقيقة. كم دقيقة قضت في مشاهدة المقاطع في المجموع؟",
    "حديقة مستطيلة الشكل طولها 12 مترًا وعرضها 7 أمتار. كم مترًا من السياج يلزم لإحاطتها بالكامل؟",
    "تحتوي زجاجة على 3 لترات من العصير. كم كوبًا سعته 250 مليلترًا يمكن ملؤه منها؟",
    "في حافلة 35 راكبًا. في المحطة الأولى نزل 8 ركاب وصعد 12 راكبًا. وفي المحطة الثانية نزل 14 راكبًا. كم راكبًا في الحافلة الآن؟",
    "في بيت غرفتان، طول كل منهما 9 أمتار وعرضها 7 أمتار. ما المساحة الكلية لأرضية الغرفتين بالمتر المربع؟",
    "تتقاسم أختان 300 ريال. تحصل الأخت الكبرى على 60 ريالًا أكثر من الصغرى. كم ريالًا تحصل عليه الأخت الصغرى؟",
    "يستطيع 3 عمال بناء جدار في 8 أيام. كم يومًا يحتاج 6 عمال لبناء الجدار نفسه إذا عملوا بالمعدل نفسه؟",
    "تسلّم متجر 5 صناديق من البيض، في كل صندوق 12 بيضة. انكسرت منها 9 بيضات. كم بيضة لم تنكسر؟",
    "هناك 5 مصابيح في صف واحد، وكل مصباح إما مضاء وإما مطفأ. كم نمطًا مختلفًا من الإضاءة والإطفاء يمكن الحصول عليه؟",
    "عمر لينا 16 سنة. عمر أبيها يزيد بـ 5 سنوات على ضعف عمرها. كم عمر أبيها؟",
]

TEXT["hi"] = [
    "एक कक्षा में मेज़ों की 5 पंक्तियाँ हैं और हर पंक्ति में 4 मेज़ें हैं। इनमें से 3 मेज़ें खाली हैं। कितनी मेज़ों पर कोई बैठा है?",
    "एक बेकर 36 पाव बनाती है। वह सुबह उनमें से एक-चौथाई बेच देती है और 5 पाव अपने पड़ोसियों को दे देती है। उसके पास कितने पाव बचे?",
    "अमीना 12 रुपये वाली 3 कॉपियाँ और 7 रुपये वाले 2 पेन खरीदती है। वह कुल कितने रुपये खर्च करती है?",
    "एक कार 8 लीटर ईंधन में 120 किलोमीटर चलती है। 3 लीटर ईंधन में वह कितने किलोमीटर चल सकती है?",
    "राहुल के पास 50 रुपये हैं। वह 15 रुपये वाली 2 किताबें खरीदता है और बचे हुए सारे पैसों से 4 रुपये वाली पेंसिलें खरीदता है। वह कितनी पेंसिलें खरीदता है?",
    "एक फल बेचने वाली सोमवार को 24 आम बेचती है और मंगलवार को उसके आधे। बुधवार को वह सोमवार और मंगलवार को मिलाकर बेचे गए आमों के दोगुने आम बेचती है। तीनों दिनों में वह कुल कितने आम बेचती है?",
    "एक बस 3 घंटे तक 60 किलोमीटर प्रति घंटे की रफ़्तार से और फिर 2 घंटे तक 80 किलोमीटर प्रति घंटे की रफ़्तार से चलती है। बस कुल कितने किलोमीटर चलती है?",
    "अमन 7 साल का है। उसकी माँ की उम्र उसकी उम्र की 6 गुनी है, और उसकी मौसी उसकी माँ से 9 साल छोटी है। उसकी मौसी की उम्र कितनी है?",
    "प्रिया के पास 1000 रुपये हैं। वह 180 रुपये वाले 3 कोट और 95 रुपये प्रति जोड़ी वाले 2 जोड़ी जूते खरीदती है। उसके पास कितने रुपये बचे?",
    "करण हफ़्ते में 4 दिन, रोज़ 45 मिनट पियानो का अभ्यास करता है। वह हर हफ़्ते कितने मिनट अभ्यास करता है?",
    "डिब्बों को 10 पंक्तियों में एक के ऊपर एक रखा गया है। सबसे ऊपर वाली पंक्ति में 1 डिब्बा है, और नीचे की हर पंक्ति में अपने ऊपर वाली पंक्ति से एक डिब्बा ज़्यादा है। कुल कितने डिब्बे हैं?",
    "एक पेन 8 रुपये का है, और एक कॉपी पेन से 5 रुपये महँगी है। 2 कॉपियों और 1 पेन का कुल दाम कितने रुपये है?",
    "जूतों की एक जोड़ी 90 रुपये की है। सेल में उसकी कीमत 30% कम कर दी जाती है। सेल में उसकी कीमत कितने रुपये है?",
    "सारा के पास 4 कमीज़ें, 6 पतलूनें और 2 टोपियाँ हैं। एक पोशाक में एक कमीज़, एक पतलून और एक टोपी होती है। वह कितनी अलग-अलग पोशाकें बना सकती है?",
    "एक रस्सी 16 मीटर लंबी है। उसमें से 4 मीटर काट दी जाती है, और बची हुई रस्सी को बराबर लंबाई के 3 टुकड़ों में काटा जाता है। हर टुकड़ा कितने मीटर लंबा है?",
    "मीरा 15-15 मिनट के 3 वीडियो और 25-25 मिनट के 2 वीडियो देखती है। वह कुल कितने मिनट वीडियो देखती है?",
    "एक आयताकार बगीचा 12 मीटर लंबा और 7 मीटर चौड़ा है। उसके चारों ओर बाड़ लगाने के लिए कितने मीटर बाड़ चाहिए?",
    "एक बोतल में 3 लीटर जूस है। इससे 250 मिलीलीटर वाले कितने गिलास भरे जा सकते हैं?",
    "एक बस में 35 यात्री हैं। पहले स्टॉप पर 8 यात्री उतरते हैं और 12 यात्री चढ़ते हैं। दूसरे स्टॉप पर 14 यात्री उतरते हैं। अब बस में कितने यात्री हैं?",
    "एक घर में 2 कमरे हैं, हर कमरा 9 मीटर लंबा और 7 मीटर चौड़ा है। दोनों कमरों के फ़र्श का कुल क्षेत्रफल कितने वर्ग मीटर है?",
    "दो बहनें 300 रुपये आपस में बाँटती हैं। बड़ी बहन को छोटी बहन से 60 रुपये ज़्यादा मिलते हैं। छोटी बहन को कितने रुपये मिलते हैं?",
    "3 मज़दूर एक दीवार 8 दिनों में बना सकते हैं। उसी रफ़्तार से काम करते हुए 6 मज़दूरों को वही दीवार बनाने में कितने दिन लगेंगे?",
    "एक दुकान में अंडों के 5 डिब्बे आते हैं, हर डिब्बे में 12 अंडे हैं। इनमें से 9 अंडे टूटे हुए हैं। कितने अंडे नहीं टूटे हैं?",
    "एक पंक्ति में 5 बल्ब लगे हैं, और हर बल्ब या तो जल रहा हो सकता है या बुझा हुआ। जलने-बुझने के कुल कितने अलग-अलग क्रम संभव हैं?",
    "लीना 16 साल की है। उसके पिता की उम्र उसकी उम्र के दोगुने से 5 साल ज़्यादा है। उसके पिता की उम्र कितनी है?",
]

TEXT["bn"] = [
    "একটি শ্রেণিকক্ষে ডেস্কের 5টি সারি আছে, প্রতিটি সারিতে 4টি ডেস্ক। এর মধ্যে 3টি ডেস্ক খালি। কয়টি ডেস্কে কেউ বসে আছে?",
    "একজন রুটি বিক্রেতা 36টি রুটি বানান। সকালে তিনি তার এক-চতুর্থাংশ বিক্রি করেন এবং প্রতিবেশীদের 5টি রুটি দেন। তাঁর কাছে আর কয়টি রুটি বাকি থাকে?",
    "আমিনা 12 টাকা দামের 3টি খাতা এবং 7 টাকা দামের 2টি কলম কেনে। সে মোট কত টাকা খরচ করে?",
    "একটি গাড়ি 8 লিটার জ্বালানিতে 120 কিলোমিটার যায়। 3 লিটার জ্বালানিতে গাড়িটি কত কিলোমিটার যেতে পারবে?",
    "রাহুলের কাছে 50 টাকা আছে। সে 15 টাকা দামের 2টি বই কেনে এবং বাকি সব টাকা দিয়ে 4 টাকা দামের পেনসিল কেনে। সে কয়টি পেনসিল কেনে?",
    "একজন ফল বিক্রেতা সোমবার 24টি আম বিক্রি করেন এবং মঙ্গলবার তার অর্ধেক। বুধবার তিনি সোমবার ও মঙ্গলবার মিলিয়ে যত আম বিক্রি করেছিলেন তার দ্বিগুণ বিক্রি করেন। তিন দিনে তিনি মোট কয়টি আম বিক্রি করেন?",
    "একটি বাস ঘণ্টায় 60 কিলোমিটার বেগে 3 ঘণ্টা এবং তারপর ঘণ্টায় 80 কিলোমিটার বেগে 2 ঘণ্টা চলে। বাসটি মোট কত কিলোমিটার পথ যায়?",
    "অমিতের বয়স 7 বছর। তার মায়ের বয়স তার বয়সের 6 গুণ, আর তার মাসি তার মায়ের চেয়ে 9 বছরের ছোট। তার মাসির বয়স কত?",
    "প্রিয়ার কাছে 1000 টাকা আছে। সে 180 টাকা দামের 3টি কোট এবং জোড়াপ্রতি 95 টাকা দামের 2 জোড়া জুতো কেনে। তার কাছে আর কত টাকা বাকি থাকে?",
    "করিম সপ্তাহে 4 দিন, প্রতিদিন 45 মিনিট করে পিয়ানো অনুশীলন করে। সে প্রতি সপ্তাহে কত মিনিট অনুশীলন করে?",
    "কিছু টিনের কৌটো 10টি সারিতে একটির ওপর আরেকটি করে সাজানো আছে। সবচেয়ে ওপরের সারিতে 1টি কৌটো আছে, আর নিচের প্রতিটি সারিতে তার ঠিক ওপরের সারির চেয়ে একটি করে কৌটো বেশি। মোট কয়টি কৌটো আছে?",
    "একটি কলমের দাম 8 টাকা, আর একটি খাতার দাম কলমের চেয়ে 5 টাকা বেশি। 2টি খাতা ও 1টি কলমের মোট দাম কত টাকা?",
    "এক জোড়া জুতোর দাম 90 টাকা। সেলে দাম 30% কমানো হয়েছে। সেলে জুতো জোড়ার দাম কত টাকা?",
    "সারার 4টি শার্ট, 6টি প্যান্ট এবং 2টি টুপি আছে। একটি পোশাক মানে একটি শার্ট, একটি প্যান্ট ও একটি টুপি। সে কতগুলো ভিন্ন ভিন্ন পোশাক তৈরি করতে পারে?",
    "একটি দড়ি 16 মিটার লম্বা। তা থেকে 4 মিটার কেটে ফেলা হয়, এবং বাকি অংশ সমান দৈর্ঘ্যের 3টি টুকরোয় কাটা হয়। প্রতিটি টুকরো কত মিটার লম্বা?",
    "মীরা 15 মিনিট দৈর্ঘ্যের 3টি ভিডিও এবং 25 মিনিট দৈর্ঘ্যের 2টি ভিডিও দেখে। সে মোট কত মিনিট ভিডিও দেখে?",
    "একটি আয়তাকার বাগানের দৈর্ঘ্য 12 মিটার এবং প্রস্থ 7 মিটার। বাগানটির চারপাশ পুরোটা ঘিরতে কত মিটার বেড়া লাগবে?",
    "একটি বোতলে 3 লিটার জুস আছে। এটি দিয়ে 250 মিলিলিটারের কয়টি গ্লাস ভরা যাবে?",
    "একটি বাসে 35 জন যাত্রী আছে। প্রথম স্টপে 8 জন নেমে যায় এবং 12 জন ওঠে। দ্বিতীয় স্টপে 14 জন নেমে যায়। এখন বাসে কতজন যাত্রী আছে?",
    "একটি বাড়িতে 2টি ঘর আছে, প্রতিটি ঘর 9 মিটার লম্বা ও 7 মিটার চওড়া। দুটি ঘরের মেঝের মোট ক্ষেত্রফল কত বর্গমিটার?",
    "দুই বোন 300 টাকা ভাগ করে নেয়। বড় বোন ছোট বোনের চেয়ে 60 টাকা বেশি পায়। ছোট বোন কত টাকা পায়?",
    "3 জন শ্রমিক 8 দিনে একটি দেয়াল তৈরি করতে পারে। একই হারে কাজ করলে 6 জন শ্রমিকের একই দেয়াল তৈরি করতে কত দিন লাগবে?",
    "একটি দোকানে ডিমের 5টি বাক্স আসে, প্রতিটি বাক্সে 12টি ডিম। এর মধ্যে 9টি ডিম ভাঙা। কয়টি ডিম ভাঙেনি?",
    "একটি সারিতে 5টি বাতি আছে, আর প্রতিটি বাতি হয় জ্বলছে নয়তো নিভে আছে। জ্বলা-নেভার মোট কতগুলো ভিন্ন বিন্যাস সম্ভব?",
    "লীনার বয়স 16 বছর। তার বাবার বয়স তার বয়সের দ্বিগুণের চেয়ে 5 বছর বেশি। তার বাবার বয়স কত?",
]

TEXT["th"] = [
    "ห้องเรียนห้องหนึ่งมีโต๊ะเรียน 5 แถว แถวละ 4 ตัว ในจำนวนนี้มีโต๊ะว่างอยู่ 3 ตัว มีโต๊ะที่มีคนนั่งอยู่กี่ตัว",
    "คนทำขนมปังคนหนึ่งอบขนมปังได้ 36 ก้อน ตอนเช้าเธอขายไปหนึ่งในสี่ของทั้งหมด และแบ่งให้เพื่อนบ้านไป 5 ก้อน เธอเหลือขนมปังกี่ก้อน",
    "มะลิซื้อสมุด 3 เล่ม ราคาเล่มละ 12 บาท และปากกา 2 ด้าม ราคาด้ามละ 7 บาท เธอจ่ายเงินไปทั้งหมดกี่บาท",
    "รถยนต์คันหนึ่งวิ่งได้ 120 กิโลเมตรโดยใช้น้ำมัน 8 ลิตร ถ้าใช้น้ำมัน 3 ลิตร รถคันนี้จะวิ่งได้กี่กิโลเมตร",
    "สมชายมีเงิน 50 บาท เขาซื้อหนังสือ 2 เล่ม ราคาเล่มละ 15 บาท แล้วใช้เงินที่เหลือทั้งหมดซื้อดินสอราคาแท่งละ 4 บาท เขาซื้อดินสอได้กี่แท่ง",
    "แม่ค้าผลไม้ขายมะม่วงได้ 24 ผลในวันจันทร์ และวันอังคารขายได้ครึ่งหนึ่งของวันจันทร์ ส่วนวันพุธขายได้เป็นสองเท่าของจำนวนที่ขายได้ในวันจันทร์และวันอังคารรวมกัน ในสามวันนี้แม่ค้าขายมะม่วงได้ทั้งหมดกี่ผล",
    "รถบัสคันหนึ่งวิ่งด้วยความเร็ว 60 กิโลเมตรต่อชั่วโมงเป็นเวลา 3 ชั่วโมง จากนั้นวิ่งด้วยความเร็ว 80 กิโลเมตรต่อชั่วโมงเป็นเวลา 2 ชั่วโมง รถบัสวิ่งได้ระยะทางทั้งหมดกี่กิโลเมตร",
    "ต้นอายุ 7 ปี แม่ของเขามีอายุเป็น 6 เท่าของอายุเขา และน้าสาวของเขาอายุน้อยกว่าแม่ 9 ปี น้าสาวของเขาอายุกี่ปี",
    "นิดมีเงิน 1000 บาท เธอซื้อเสื้อโค้ต 3 ตัว ราคาตัวละ 180 บาท และรองเท้า 2 คู่ ราคาคู่ละ 95 บาท เธอเหลือเงินกี่บาท",
    "เก่งฝึกเปียโนสัปดาห์ละ 4 วัน วันละ 45 นาที ในหนึ่งสัปดาห์เขาฝึกเปียโนกี่นาที",
    "กระป๋องถูกวางซ้อนกันเป็น 10 แถว แถวบนสุดมีกระป๋อง 1 ใบ และแต่ละแถวที่อยู่ถัดลงมามีกระป๋องมากกว่าแถวที่อยู่เหนือขึ้นไปหนึ่งใบ มีกระป๋องทั้งหมดกี่ใบ",
    "ปากการาคาด้ามละ 8 บาท และสมุดหนึ่งเล่มราคาแพงกว่าปากกาหนึ่งด้าม 5 บาท ถ้าซื้อสมุด 2 เล่มและปากกา 1 ด้าม ต้องจ่ายเงินทั้งหมดกี่บาท",
    "รองเท้าคู่หนึ่งราคา 90 บาท ในช่วงลดราคา ร้านลดราคาลง 30% ราคาหลังลดเป็นกี่บาท",
    "ซาร่ามีเสื้อเชิ้ต 4 ตัว กางเกง 6 ตัว และหมวก 2 ใบ ชุดหนึ่งชุดประกอบด้วยเสื้อเชิ้ต 1 ตัว กางเกง 1 ตัว และหมวก 1 ใบ เธอจัดชุดที่แตกต่างกันได้ทั้งหมดกี่ชุด",
    "เชือกเส้นหนึ่งยาว 16 เมตร ตัดออกไป 4 เมตร แล้วตัดส่วนที่เหลือเป็น 3 ท่อนยาวเท่ากัน แต่ละท่อนยาวกี่เมตร",
    "เหมยดูวิดีโอความยาว 15 นาที 3 คลิป และวิดีโอความยาว 25 นาที 2 คลิป เธอใช้เวลาดูวิดีโอทั้งหมดกี่นาที",
    "สวนรูปสี่เหลี่ยมผืนผ้าแห่งหนึ่งยาว 12 เมตร กว้าง 7 เมตร ต้องใช้รั้วยาวกี่เมตรจึงจะล้อมสวนได้รอบพอดี",
    "ขวดใบหนึ่งบรรจุน้ำผลไม้ 3 ลิตร จะรินใส่แก้วขนาด 250 มิลลิลิตรได้เต็มกี่แก้ว",
    "บนรถบัสมีผู้โดยสาร 35 คน ที่ป้ายแรกมีผู้โดยสารลง 8 คน และขึ้น 12 คน ที่ป้ายที่สองมีผู้โดยสารลง 14 คน ตอนนี้บนรถบัสมีผู้โดยสารกี่คน",
    "บ้านหลังหนึ่งมีห้อง 2 ห้อง แต่ละห้องยาว 9 เมตร กว้าง 7 เมตร พื้นของทั้งสองห้องมีพื้นที่รวมกันกี่ตารางเมตร",
    "สองพี่น้องผู้หญิงแบ่งเงิน 300 บาทกัน พี่สาวได้มากกว่าน้องสาว 60 บาท น้องสาวได้เงินกี่บาท",
    "คนงาน 3 คนสร้างกำแพงหนึ่งด้านเสร็จใน 8 วัน ถ้าคนงาน 6 คนทำงานในอัตราเดียวกัน จะสร้างกำแพงแบบเดียวกันเสร็จในกี่วัน",
    "ร้านค้าแห่งหนึ่งได้รับไข่ 5 กล่อง กล่องละ 12 ฟอง ในจำนวนนี้มีไข่แตก 9 ฟอง มีไข่ที่ไม่แตกกี่ฟอง",
    "มีหลอดไฟ 5 ดวงเรียงกันเป็นแถว แต่ละดวงจะเปิดหรือปิดก็ได้ รูปแบบการเปิดปิดที่แตกต่างกันมีได้ทั้งหมดกี่แบบ",
    "ลีนาอายุ 16 ปี พ่อของเธอมีอายุมากกว่าสองเท่าของอายุเธออยู่ 5 ปี พ่อของเธออายุกี่ปี",
]

TEXT["te"] = [
    "ఒక తరగతి గదిలో బల్లలు 5 వరుసల్లో ఉన్నాయి, ప్రతి వరుసలో 4 బల్లలు ఉన్నాయి. వాటిలో 3 బల్లలు ఖాళీగా ఉన్నాయి. ఎన్ని బల్లల దగ్గర ఎవరో ఒకరు కూర్చుని ఉన్నారు?",
    "ఒక రొట్టెల వ్యాపారి 36 బన్నులు తయారు చేసింది. ఉదయం ఆమె వాటిలో నాలుగో వంతు అమ్మి, పొరుగువారికి 5 బన్నులు ఇచ్చింది. ఆమె దగ్గర ఇంకా ఎన్ని బన్నులు మిగిలాయి?",
    "అమీనా ఒక్కొక్కటి 12 రూపాయల చొప్పున 3 నోటుపుస్తకాలు, ఒక్కొక్కటి 7 రూపాయల చొప్పున 2 పెన్నులు కొంది. ఆమె మొత్తం ఎన్ని రూపాయలు ఖర్చు చేసింది?",
    "ఒక కారు 8 లీటర్ల ఇంధనంతో 120 కిలోమీటర్లు ప్రయాణిస్తుంది. 3 లీటర్ల ఇంధనంతో అది ఎన్ని కిలోమీటర్లు ప్రయాణించగలదు?",
    "రవి దగ్గర 50 రూపాయలు ఉన్నాయి. అతను ఒక్కొక్కటి 15 రూపాయల చొప్పున 2 పుస్తకాలు కొని, మిగిలిన డబ్బు మొత్తంతో ఒక్కొక్కటి 4 రూపాయల పెన్సిళ్లు కొంటాడు. అతను ఎన్ని పెన్సిళ్లు కొంటాడు?",
    "ఒక పండ్ల వ్యాపారి సోమవారం 24 మామిడి పండ్లు అమ్మింది, మంగళవారం అందులో సగం అమ్మింది. బుధవారం ఆమె సోమవారం, మంగళవారం కలిపి అమ్మిన వాటికి రెట్టింపు అమ్మింది. ఈ మూడు రోజుల్లో ఆమె మొత్తం ఎన్ని మామిడి పండ్లు అమ్మింది?",
    "ఒక బస్సు గంటకు 60 కిలోమీటర్ల వేగంతో 3 గంటలు, ఆ తర్వాత గంటకు 80 కిలోమీటర్ల వేగంతో 2 గంటలు ప్రయాణించింది. బస్సు మొత్తం ఎన్ని కిలోమీటర్లు ప్రయాణించింది?",
    "కిరణ్ వయస్సు 7 సంవత్సరాలు. అతని తల్లి వయస్సు అతని వయస్సుకు 6 రెట్లు, అతని పిన్ని వయస్సు తల్లి వయస్సు కంటే 9 సంవత్సరాలు తక్కువ. అతని పిన్ని వయస్సు ఎంత?",
    "లత దగ్గర 1000 రూపాయలు ఉన్నాయి. ఆమె ఒక్కొక్కటి 180 రూపాయల చొప్పున 3 కోట్లు, జతకు 95 రూపాయల చొప్పున 2 జతల బూట్లు కొంది. ఆమె దగ్గర ఇంకా ఎన్ని రూపాయలు మిగిలాయి?",
    "సురేష్ వారానికి 4 రోజులు, రోజుకు 45 నిమిషాల చొప్పున పియానో సాధన చేస్తాడు. అతను ప్రతి వారం ఎన్ని నిమిషాలు సాధన చేస్తాడు?",
    "డబ్బాలను 10 వరుసలుగా ఒకదానిపై ఒకటి పేర్చారు. పై వరుసలో 1 డబ్బా ఉంది, కింద ఉన్న ప్రతి వరుసలో దాని పై వరుస కంటే ఒక డబ్బా ఎక్కువ ఉంది. మొత్తం ఎన్ని డబ్బాలు ఉన్నాయి?",
    "ఒక పెన్ను ధర 8 రూపాయలు, ఒక నోటుపుస్తకం ధర పెన్ను కంటే 5 రూపాయలు ఎక్కువ. 2 నోటుపుస్తకాలు, 1 పెన్ను కలిపి ధర ఎన్ని రూపాయలు?",
    "ఒక జత బూట్ల ధర 90 రూపాయలు. తగ్గింపు అమ్మకంలో ధరను 30% తగ్గించారు. తగ్గించిన తర్వాత బూట్ల ధర ఎన్ని రూపాయలు?",
    "సారా దగ్గర 4 చొక్కాలు, 6 ప్యాంట్లు, 2 టోపీలు ఉన్నాయి. ఒక దుస్తుల జతలో ఒక చొక్కా, ఒక ప్యాంటు, ఒక టోపీ ఉంటాయి. ఆమె ఎన్ని వేర్వేరు దుస్తుల జతలను తయారు చేయగలదు?",
    "ఒక తాడు పొడవు 16 మీటర్లు. దాని నుండి 4 మీటర్లు కత్తిరించి, మిగిలిన భాగాన్ని సమాన పొడవున్న 3 ముక్కలుగా కత్తిరించారు. ఒక్కో ముక్క పొడవు ఎన్ని మీటర్లు?",
    "మీనా ఒక్కొక్కటి 15 నిమిషాల నిడివి ఉన్న 3 వీడియోలు, ఒక్కొక్కటి 25 నిమిషాల నిడివి ఉన్న 2 వీడియోలు చూసింది. ఆమె మొత్తం ఎన్ని నిమిషాలు వీడియోలు చూసింది?",
    "ఒక దీర్ఘచతురస్రాకార తోట పొడవు 12 మీటర్లు, వెడల్పు 7 మీటర్లు. తోట చుట్టూ పూర్తిగా కంచె వేయడానికి ఎన్ని మీటర్ల కంచె కావాలి?",
    "ఒక సీసాలో 3 లీటర్ల రసం ఉంది. దానితో 250 మిల్లీలీటర్ల గ్లాసులను ఎన్నింటిని నింపవచ్చు?",
    "ఒక బస్సులో 35 మంది ప్రయాణికులు ఉన్నారు. మొదటి స్టాప్‌లో 8 మంది దిగారు, 12 మంది ఎక్కారు. రెండో స్టాప్‌లో 14 మంది దిగారు. ఇప్పుడు బస్సులో ఎంత మంది ప్రయాణికులు ఉన్నారు?",
    "ఒక ఇంట్లో 2 గదులు ఉన్నాయి, ప్రతి గది పొడవు 9 మీటర్లు, వెడల్పు 7 మీటర్లు. రెండు గదుల నేల మొత్తం వైశాల్యం ఎన్ని చదరపు మీటర్లు?",
    "ఇద్దరు అక్కాచెల్లెళ్లు 300 రూపాయలను పంచుకున్నారు. అక్కకు చెల్లెలి కంటే 60 రూపాయలు ఎక్కువ వచ్చాయి. చెల్లెలికి ఎన్ని రూపాయలు వచ్చాయి?",
    "3 మంది కూలీలు ఒక గోడను 8 రోజుల్లో కట్టగలరు. అదే వేగంతో పనిచేస్తే, 6 మంది కూలీలు అదే గోడను కట్టడానికి ఎన్ని రోజులు పడుతుంది?",
    "ఒక దుకాణానికి 5 పెట్టెల గుడ్లు వచ్చాయి, ప్రతి పెట్టెలో 12 గుడ్లు ఉన్నాయి. వాటిలో 9 గుడ్లు పగిలిపోయాయి. ఎన్ని గుడ్లు పగలకుండా ఉన్నాయి?",
    "ఒక వరుసలో 5 బల్బులు ఉన్నాయి, ప్రతి బల్బు వెలుగుతూ ఉండవచ్చు లేదా ఆరిపోయి ఉండవచ్చు. బల్బులు వెలిగే, ఆరిపోయే వేర్వేరు అమరికలు మొత్తం ఎన్ని సాధ్యమవుతాయి?",
    "లీనా వయస్సు 16 సంవత్సరాలు. ఆమె తండ్రి వయస్సు ఆమె వయస్సుకు రెట్టింపు కంటే 5 సంవత్సరాలు ఎక్కువ. ఆమె తండ్రి వయస్సు ఎంత?",
]

TEXT["sw"] = [
    "Darasa moja lina safu 5 za madawati, na kila safu ina madawati 4. Madawati 3 kati yake hayana mtu. Ni madawati mangapi yenye watu?",
    "Mwokaji mikate alioka mikate 36. Aliuza robo ya mikate hiyo asubuhi na akawapa majirani zake mikate 5. Amebakiwa na mikate mingapi?",
    "Amina ananunua madaftari 3 kwa shilingi 12 kila moja na kalamu 2 kwa shilingi 7 kila moja. Anatumia shilingi ngapi kwa jumla?",
    "Gari linasafiri kilomita 120 kwa lita 8 za mafuta. Linaweza kusafiri kilomita ngapi kwa lita 3?",
    "Juma ana shilingi 50. Ananunua vitabu 2 kwa shilingi 15 kila kimoja, kisha anatumia pesa zote zilizobaki kununua penseli zinazogharimu shilingi 4 kila moja. Ananunua penseli ngapi?",
    "Muuza matunda aliuza maembe 24 Jumatatu na nusu ya idadi hiyo Jumanne. Jumatano aliuza mara mbili ya maembe aliyouza Jumatatu na Jumanne kwa pamoja. Aliuza maembe mangapi kwa jumla katika siku hizo tatu?",
    "Basi linasafiri kwa saa 3 kwa mwendo wa kilomita 60 kwa saa, kisha kwa saa 2 kwa mwendo wa kilomita 80 kwa saa. Linasafiri kilomita ngapi kwa jumla?",
    "Baraka ana umri wa miaka 7. Umri wa mama yake ni mara 6 ya umri wake, na shangazi yake ni mdogo kuliko mama yake kwa miaka 9. Shangazi yake ana umri wa miaka mingapi?",
    "Neema ana shilingi 1000. Ananunua makoti 3 kwa shilingi 180 kila moja na jozi 2 za viatu kwa shilingi 95 kila jozi. Amebakiwa na shilingi ngapi?",
    "Hamisi hufanya mazoezi ya piano siku 4 kwa wiki, dakika 45 kila siku. Hufanya mazoezi kwa dakika ngapi kila wiki?",
    "Makopo yamepangwa katika safu 10, moja juu ya nyingine. Safu ya juu kabisa ina kopo 1, na kila safu iliyo chini ina kopo moja zaidi ya safu iliyo juu yake. Kuna makopo mangapi kwa jumla?",
    "Kalamu moja inagharimu shilingi 8, na daftari moja linagharimu shilingi 5 zaidi ya kalamu. Madaftari 2 na kalamu 1 yanagharimu shilingi ngapi kwa pamoja?",
    "Jozi moja ya viatu inagharimu shilingi 90. Wakati wa punguzo, bei inapunguzwa kwa 30%. Bei ya punguzo ni shilingi ngapi?",
    "Sara ana mashati 4, suruali 6 na kofia 2. Vazi moja lina shati moja, suruali moja na kofia moja. Anaweza kupanga mavazi mangapi tofauti?",
    "Kamba ina urefu wa mita 16. Mita 4 zinakatwa, na sehemu iliyobaki inakatwa vipande 3 vyenye urefu sawa. Kila kipande kina urefu wa mita ngapi?",
    "Mwajuma anatazama video 3 zenye urefu wa dakika 15 kila moja na video 2 zenye urefu wa dakika 25 kila moja. Anatumia dakika ngapi kwa jumla kutazama video?",
    "Bustani yenye umbo la mstatili ina urefu wa mita 12 na upana wa mita 7. Zinahitajika mita ngapi za uzio ili kuizunguka bustani yote?",
    "Chupa moja ina lita 3 za juisi. Ni glasi ngapi za mililita 250 zinaweza kujazwa kutoka kwenye chupa hiyo?",
    "Basi lina abiria 35. Katika kituo cha kwanza, abiria 8 wanashuka na 12 wanapanda. Katika kituo cha pili, abiria 14 wanashuka. Sasa kuna abiria wangapi ndani ya basi?",
    "Nyumba moja ina vyumba 2, kila kimoja kikiwa na urefu wa mita 9 na upana wa mita 7. Eneo la sakafu la vyumba hivyo viwili kwa pamoja ni mita za mraba ngapi?",
    "Dada wawili wanagawana shilingi 300. Dada mkubwa anapata shilingi 60 zaidi ya dada mdogo. Dada mdogo anapata shilingi ngapi?",
    "Wafanyakazi 3 wanaweza kujenga ukuta kwa siku 8. Wafanyakazi 6 wakifanya kazi kwa kasi ileile, watahitaji siku ngapi kujenga ukuta huo huo?",
    "Duka linapokea masanduku 5 ya mayai, na kila sanduku lina mayai 12. Mayai 9 yamevunjika. Ni mayai mangapi ambayo hayajavunjika?",
    "Kuna taa 5 katika mstari mmoja, na kila taa inaweza kuwa imewashwa au imezimwa. Kuna mipangilio mingapi tofauti ya kuwasha na kuzima inayowezekana?",
    "Lina ana umri wa miaka 16. Umri wa baba yake ni miaka 5 zaidi ya mara mbili ya umri wake. Baba yake ana umri wa miaka mingapi?",
]

TEXT["ru"] = [
    "В классе стоят 5 рядов парт, по 4 парты в каждом ряду. 3 парты свободны. Сколько парт занято?",
    "Тётя Валя испекла 36 булочек. Утром она продала четверть из них, а 5 булочек отдала соседям. Сколько булочек у неё осталось?",
    "Амина купила 3 тетради по 12 рублей и 2 ручки по 7 рублей. Сколько всего рублей она потратила?",
    "Автомобиль проезжает 120 км на 8 литрах топлива. Сколько километров он проедет на 3 литрах?",
    "У Димы 50 рублей. Он купил 2 книги по 15 рублей, а на все оставшиеся деньги — карандаши по 4 рубля. Сколько карандашей он купил?",
    "Продавщица фруктов продала в понедельник 24 манго, а во вторник — вдвое меньше. В среду она продала вдвое больше, чем в понедельник и вторник вместе. Сколько манго она продала за три дня?",
    "Автобус ехал 3 часа со скоростью 60 км/ч, а затем 2 часа со скоростью 80 км/ч. Сколько всего километров он проехал?",
    "Саше 7 лет. Его мама в 6 раз старше его, а тётя на 9 лет младше мамы. Сколько лет тёте?",
    "У Лены 1000 рублей. Она купила 3 пальто по 180 рублей и 2 пары туфель по 95 рублей за пару. Сколько рублей у неё осталось?",
    "Коля занимается на фортепиано 4 дня в неделю, по 45 минут в день. Сколько минут в неделю он занимается?",
    "Банки сложены в 10 рядов. В верхнем ряду 1 банка, а в каждом ряду ниже на одну банку больше, чем в ряду над ним. Сколько всего банок?",
    "Ручка стоит 8 рублей, а тетрадь на 5 рублей дороже ручки. Сколько рублей стоят вместе 2 тетради и 1 ручка?",
    "Пара туфель стоит 90 рублей. На распродаже цену снизили на 30%. Сколько рублей стоят туфли на распродаже?",
    "У Маши 4 рубашки, 6 пар брюк и 2 шляпы. Комплект одежды — это одна рубашка, одни брюки и одна шляпа. Сколько разных комплектов она может составить?",
    "Длина верёвки 16 метров. От неё отрезали 4 метра, а остаток разрезали на 3 равные части. Сколько метров длина каждой части?",
    "Мила посмотрела 3 видео по 15 минут и 2 видео по 25 минут. Сколько всего минут она смотрела видео?",
    "Прямоугольный сад имеет длину 12 метров и ширину 7 метров. Сколько метров забора нужно, чтобы огородить весь сад?",
    "В бутылке 3 литра сока. Сколько стаканов по 250 миллилитров можно из неё наполнить?",
    "В автобусе 35 пассажиров. На первой остановке вышли 8 пассажиров и вошли 12. На второй остановке вышли 14 пассажиров. Сколько пассажиров теперь в автобусе?",
    "В доме 2 комнаты, каждая длиной 9 метров и шириной 7 метров. Какова общая площадь пола этих двух комнат в квадратных метрах?",
    "Две сестры делят между собой 300 рублей. Старшая сестра получает на 60 рублей больше младшей. Сколько рублей получает младшая сестра?",
    "3 рабочих могут построить стену за 8 дней. За сколько дней построят такую же стену 6 рабочих, если они работают с той же скоростью?",
    "В магазин привезли 5 коробок яиц, по 12 яиц в каждой. 9 яиц оказались разбитыми. Сколько яиц не разбито?",
    "В ряд стоят 5 ламп, и каждая лампа может быть включена или выключена. Сколько существует различных комбинаций включённых и выключенных ламп?",
    "Лине 16 лет. Возраст её папы на 5 лет больше, чем удвоенный возраст Лины. Сколько лет её папе?",
]

TEXT["de"] = [
    "In einem Klassenzimmer stehen 5 Reihen mit je 4 Tischen. 3 der Tische sind frei. Wie viele Tische sind besetzt?",
    "Eine Bäckerin backt 36 Brötchen. Am Morgen verkauft sie ein Viertel davon und schenkt ihren Nachbarn 5 Brötchen. Wie viele Brötchen hat sie noch?",
    "Amina kauft 3 Hefte zu je 12 Euro und 2 Stifte zu je 7 Euro. Wie viele Euro gibt sie insgesamt aus?",
    "Ein Auto fährt mit 8 Litern Kraftstoff 120 km weit. Wie viele Kilometer kann es mit 3 Litern fahren?",
    "Tom hat 50 Euro. Er kauft 2 Bücher zu je 15 Euro und gibt den Rest seines Geldes für Bleistifte zu je 4 Euro aus. Wie viele Bleistifte kauft er?",
    "Eine Obsthändlerin verkauft am Montag 24 Mangos und am Dienstag halb so viele. Am Mittwoch verkauft sie doppelt so viele wie am Montag und Dienstag zusammen. Wie viele Mangos verkauft sie an den drei Tagen insgesamt?",
    "Ein Bus fährt 3 Stunden lang mit 60 km/h und danach 2 Stunden lang mit 80 km/h. Wie viele Kilometer legt er insgesamt zurück?",
    "Jonas ist 7 Jahre alt. Seine Mutter ist 6-mal so alt wie er, und seine Tante ist 9 Jahre jünger als seine Mutter. Wie alt ist seine Tante?",
    "Lena hat 1000 Euro. Sie kauft 3 Mäntel zu je 180 Euro und 2 Paar Schuhe zu je 95 Euro. Wie viele Euro hat sie noch übrig?",
    "Felix übt an 4 Tagen pro Woche jeweils 45 Minuten Klavier. Wie viele Minuten übt er pro Woche?",
    "Dosen sind in 10 Reihen übereinandergestapelt. In der obersten Reihe steht 1 Dose, und jede Reihe darunter hat eine Dose mehr als die Reihe darüber. Wie viele Dosen sind es insgesamt?",
    "Ein Stift kostet 8 Euro, und ein Heft kostet 5 Euro mehr als ein Stift. Wie viele Euro kosten 2 Hefte und 1 Stift zusammen?",
    "Ein Paar Schuhe kostet 90 Euro. Im Schlussverkauf wird der Preis um 30 % gesenkt. Wie viele Euro kosten die Schuhe im Schlussverkauf?",
    "Sara hat 4 Hemden, 6 Hosen und 2 Hüte. Ein Outfit besteht aus einem Hemd, einer Hose und einem Hut. Wie viele verschiedene Outfits kann sie zusammenstellen?",
    "Ein Seil ist 16 Meter lang. Davon werden 4 Meter abgeschnitten, und der Rest wird in 3 gleich lange Stücke geteilt. Wie viele Meter ist jedes Stück lang?",
    "Mia schaut sich 3 Videos von je 15 Minuten und 2 Videos von je 25 Minuten an. Wie viele Minuten verbringt sie insgesamt mit den Videos?",
    "Ein rechteckiger Garten ist 12 Meter lang und 7 Meter breit. Wie viele Meter Zaun braucht man, um ihn ganz einzuzäunen?",
    "Eine Flasche enthält 3 Liter Saft. Wie viele Gläser zu je 250 Millilitern kann man damit füllen?",
    "In einem Bus sitzen 35 Fahrgäste. An der ersten Haltestelle steigen 8 Fahrgäste aus und 12 ein. An der zweiten Haltestelle steigen 14 Fahrgäste aus. Wie viele Fahrgäste sind jetzt im Bus?",
    "Ein Haus hat 2 Zimmer, die jeweils 9 Meter lang und 7 Meter breit sind. Wie groß ist die gesamte Bodenfläche der beiden Zimmer in Quadratmetern?",
    "Zwei Schwestern teilen sich 300 Euro. Die ältere Schwester bekommt 60 Euro mehr als die jüngere. Wie viele Euro bekommt die jüngere Schwester?",
    "3 Arbeiter können eine Mauer in 8 Tagen bauen. Wie viele Tage bräuchten 6 Arbeiter für dieselbe Mauer, wenn sie im gleichen Tempo arbeiten?",
    "Ein Laden erhält 5 Kartons mit je 12 Eiern. 9 der Eier sind zerbrochen. Wie viele Eier sind nicht zerbrochen?",
    "In einer Reihe stehen 5 Lampen, und jede Lampe kann entweder an oder aus sein. Wie viele verschiedene Muster aus an- und ausgeschalteten Lampen sind möglich?",
    "Lina ist 16 Jahre alt. Ihr Vater ist 5 Jahre älter als das Doppelte ihres Alters. Wie alt ist ihr Vater?",
]

TEXT["fr"] = [
    "Dans une salle de classe, il y a 5 rangées de 4 pupitres. 3 pupitres sont inoccupés. Combien de pupitres sont occupés ?",
    "Une boulangère prépare 36 petits pains. Le matin, elle en vend un quart et en donne 5 à ses voisins. Combien de petits pains lui reste-t-il ?",
    "Amina achète 3 cahiers à 12 euros pièce et 2 stylos à 7 euros pièce. Combien d'euros dépense-t-elle en tout ?",
    "Une voiture parcourt 120 km avec 8 litres de carburant. Combien de kilomètres peut-elle parcourir avec 3 litres ?",
    "Hugo a 50 euros. Il achète 2 livres à 15 euros chacun et dépense le reste de son argent en crayons à 4 euros pièce. Combien de crayons achète-t-il ?",
    "Une marchande de fruits vend 24 mangues le lundi et deux fois moins le mardi. Le mercredi, elle en vend deux fois plus que le lundi et le mardi réunis. Combien de mangues vend-elle en tout sur ces trois jours ?",
    "Un bus roule pendant 3 heures à 60 km/h, puis pendant 2 heures à 80 km/h. Combien de kilomètres parcourt-il en tout ?",
    "Léo a 7 ans. Sa mère a 6 fois son âge, et sa tante a 9 ans de moins que sa mère. Quel âge a sa tante ?",
    "Léna a 1000 euros. Elle achète 3 manteaux à 180 euros chacun et 2 paires de chaussures à 95 euros la paire. Combien d'euros lui reste-t-il ?",
    "Lucas fait du piano 4 jours par semaine, à raison de 45 minutes par jour. Combien de minutes s'exerce-t-il chaque semaine ?",
    "Des boîtes de conserve sont empilées sur 10 rangées. La rangée du haut contient 1 boîte, et chaque rangée en dessous contient une boîte de plus que celle qui est au-dessus. Combien y a-t-il de boîtes en tout ?",
    "Un stylo coûte 8 euros, et un cahier coûte 5 euros de plus qu'un stylo. Combien d'euros coûtent 2 cahiers et 1 stylo ensemble ?",
    "Une paire de chaussures coûte 90 euros. Pendant les soldes, son prix baisse de 30 %. Quel est le prix soldé, en euros ?",
    "Sarah a 4 chemises, 6 pantalons et 2 chapeaux. Une tenue se compose d'une chemise, d'un pantalon et d'un chapeau. Combien de tenues différentes peut-elle composer ?",
    "Une corde mesure 16 mètres. On en coupe 4 mètres, puis on partage le reste en 3 morceaux de même longueur. Combien de mètres mesure chaque morceau ?",
    "Chloé regarde 3 vidéos de 15 minutes chacune et 2 vidéos de 25 minutes chacune. Combien de minutes passe-t-elle à regarder des vidéos en tout ?",
    "Un jardin rectangulaire mesure 12 mètres de long et 7 mètres de large. Combien de mètres de clôture faut-il pour en faire tout le tour ?",
    "Une bouteille contient 3 litres de jus. Combien de verres de 250 millilitres peut-on remplir avec ce jus ?",
    "Un bus transporte 35 passagers. Au premier arrêt, 8 passagers descendent et 12 montent. Au deuxième arrêt, 14 passagers descendent. Combien de passagers y a-t-il maintenant dans le bus ?",
    "Une maison a 2 pièces qui mesurent chacune 9 mètres de long et 7 mètres de large. Quelle est la surface totale au sol de ces 2 pièces, en mètres carrés ?",
    "Deux sœurs se partagent 300 euros. L'aînée reçoit 60 euros de plus que la cadette. Combien d'euros la cadette reçoit-elle ?",
    "3 ouvriers peuvent construire un mur en 8 jours. Combien de jours faudrait-il à 6 ouvriers pour construire le même mur, en travaillant au même rythme ?",
    "Un magasin reçoit 5 cartons d'œufs contenant chacun 12 œufs. 9 œufs sont cassés. Combien d'œufs ne sont pas cassés ?",
    "5 lampes sont alignées, et chaque lampe peut être allumée ou éteinte. Combien de combinaisons différentes de lampes allumées et éteintes sont possibles ?",
    "Lina a 16 ans. L'âge de son père est égal au double de son âge, plus 5 ans. Quel âge a son père ?",
]

TEXT["es"] = [
    "En un aula hay 5 filas de pupitres con 4 pupitres en cada fila. 3 de los pupitres están vacíos. ¿Cuántos pupitres están ocupados?",
    "Una panadera hornea 36 panecillos. Por la mañana vende la cuarta parte y les regala 5 a sus vecinos. ¿Cuántos panecillos le quedan?",
    "Amina compra 3 cuadernos a 12 euros cada uno y 2 bolígrafos a 7 euros cada uno. ¿Cuántos euros gasta en total?",
    "Un coche recorre 120 km con 8 litros de combustible. ¿Cuántos kilómetros puede recorrer con 3 litros?",
    "Pablo tiene 50 euros. Compra 2 libros a 15 euros cada uno y gasta el resto de su dinero en lápices que cuestan 4 euros cada uno. ¿Cuántos lápices compra?",
    "Una frutera vende 24 mangos el lunes y la mitad el martes. El miércoles vende el doble de los que vendió entre el lunes y el martes. ¿Cuántos mangos vende en total en los tres días?",
    "Un autobús viaja durante 3 horas a 60 km/h y luego durante 2 horas a 80 km/h. ¿Cuántos kilómetros recorre en total?",
    "Diego tiene 7 años. Su madre tiene 6 veces su edad, y su tía es 9 años menor que su madre. ¿Cuántos años tiene su tía?",
    "Lucía tiene 1000 euros. Compra 3 abrigos a 180 euros cada uno y 2 pares de zapatos a 95 euros el par. ¿Cuántos euros le quedan?",
    "Mateo practica piano 4 días a la semana, 45 minutos cada día. ¿Cuántos minutos practica cada semana?",
    "Unas latas están apiladas en 10 filas. La fila de arriba tiene 1 lata, y cada fila de abajo tiene una lata más que la fila que tiene encima. ¿Cuántas latas hay en total?",
    "Un bolígrafo cuesta 8 euros y un cuaderno cuesta 5 euros más que un bolígrafo. ¿Cuántos euros cuestan 2 cuadernos y 1 bolígrafo juntos?",
    "Un par de zapatos cuesta 90 euros. En las rebajas, el precio se reduce un 30 %. ¿Cuál es el precio rebajado en euros?",
    "Sara tiene 4 camisas, 6 pantalones y 2 sombreros. Un conjunto está formado por una camisa, un pantalón y un sombrero. ¿Cuántos conjuntos diferentes puede formar?",
    "Una cuerda mide 16 metros. Se cortan 4 metros y el resto se divide en 3 trozos de igual longitud. ¿Cuántos metros mide cada trozo?",
    "Carmen ve 3 vídeos de 15 minutos cada uno y 2 vídeos de 25 minutos cada uno. ¿Cuántos minutos pasa viendo vídeos en total?",
    "Un jardín rectangular mide 12 metros de largo y 7 metros de ancho. ¿Cuántos metros de valla se necesitan para rodearlo por completo?",
    "Una botella contiene 3 litros de zumo. ¿Cuántos vasos de 250 mililitros se pueden llenar con ese zumo?",
    "En un autobús van 35 pasajeros. En la primera parada bajan 8 pasajeros y suben 12. En la segunda parada bajan 14 pasajeros. ¿Cuántos pasajeros hay ahora en el autobús?",
    "Una casa tiene 2 habitaciones, cada una de 9 metros de largo y 7 metros de ancho. ¿Cuál es la superficie total del suelo de las 2 habitaciones en metros cuadrados?",
    "Dos hermanas se reparten 300 euros. La hermana mayor recibe 60 euros más que la menor. ¿Cuántos euros recibe la hermana menor?",
    "3 obreros pueden construir un muro en 8 días. ¿Cuántos días necesitarían 6 obreros para construir el mismo muro, trabajando al mismo ritmo?",
    "Una tienda recibe 5 cajas de huevos con 12 huevos cada una. 9 de los huevos están rotos. ¿Cuántos huevos no están rotos?",
    "Hay 5 lámparas en fila, y cada lámpara puede estar encendida o apagada. ¿Cuántas combinaciones distintas de lámparas encendidas y apagadas son posibles?",
    "Lina tiene 16 años. La edad de su padre es 5 años más que el doble de la edad de ella. ¿Cuántos años tiene su padre?",
]

TEXT["id"] = [
    "Sebuah ruang kelas memiliki 5 baris meja, dan setiap baris berisi 4 meja. Sebanyak 3 meja kosong. Berapa meja yang terisi?",
    "Seorang tukang roti membuat 36 roti. Pada pagi hari ia menjual seperempatnya dan memberikan 5 roti kepada tetangganya. Berapa roti yang tersisa padanya?",
    "Amina membeli 3 buku tulis seharga 12 dolar per buah dan 2 pulpen seharga 7 dolar per buah. Berapa dolar yang ia belanjakan seluruhnya?",
    "Sebuah mobil dapat menempuh 120 km dengan 8 liter bahan bakar. Berapa kilometer yang dapat ditempuhnya dengan 3 liter?",
    "Budi punya 50 dolar. Ia membeli 2 buku seharga 15 dolar per buah, lalu menghabiskan sisa uangnya untuk membeli pensil seharga 4 dolar per batang. Berapa batang pensil yang ia beli?",
    "Seorang pedagang buah menjual 24 mangga pada hari Senin dan setengahnya pada hari Selasa. Pada hari Rabu ia menjual dua kali lipat jumlah mangga yang terjual pada hari Senin dan Selasa digabungkan. Berapa mangga yang ia jual seluruhnya selama tiga hari itu?",
    "Sebuah bus melaju selama 3 jam dengan kecepatan 60 km/jam, lalu selama 2 jam dengan kecepatan 80 km/jam. Berapa kilometer jarak yang ditempuhnya seluruhnya?",
    "Umur Andi 7 tahun. Umur ibunya 6 kali umurnya, dan bibinya 9 tahun lebih muda daripada ibunya. Berapa tahun umur bibinya?",
    "Siti punya 1000 dolar. Ia membeli 3 mantel seharga 180 dolar per buah dan 2 pasang sepatu seharga 95 dolar per pasang. Berapa dolar sisa uangnya?",
    "Rudi berlatih piano 4 hari dalam seminggu, masing-masing selama 45 menit. Berapa menit ia berlatih setiap minggu?",
    "Kaleng-kaleng disusun bertumpuk dalam 10 baris. Baris paling atas berisi 1 kaleng, dan setiap baris di bawahnya berisi satu kaleng lebih banyak daripada baris di atasnya. Berapa jumlah kaleng seluruhnya?",
    "Harga sebuah pulpen 8 dolar, dan harga sebuah buku tulis 5 dolar lebih mahal daripada pulpen. Berapa dolar harga 2 buku tulis dan 1 pulpen seluruhnya?",
    "Sepasang sepatu berharga 90 dolar. Saat obral, harganya diturunkan 30%. Berapa dolar harga sepatu itu saat obral?",
    "Sari punya 4 kemeja, 6 celana, dan 2 topi. Satu setelan terdiri atas satu kemeja, satu celana, dan satu topi. Berapa banyak setelan berbeda yang dapat ia susun?",
    "Seutas tali panjangnya 16 meter. Tali itu dipotong 4 meter, lalu sisanya dipotong menjadi 3 bagian yang sama panjang. Berapa meter panjang setiap bagian?",
    "Maya menonton 3 video yang masing-masing berdurasi 15 menit dan 2 video yang masing-masing berdurasi 25 menit. Berapa menit seluruhnya ia menonton video?",
    "Sebuah kebun berbentuk persegi panjang memiliki panjang 12 meter dan lebar 7 meter. Berapa meter pagar yang diperlukan untuk mengelilingi seluruh kebun itu?",
    "Sebuah botol berisi 3 liter jus. Berapa gelas berukuran 250 mililiter yang dapat diisi penuh dari botol itu?",
    "Sebuah bus membawa 35 penumpang. Di halte pertama, 8 penumpang turun dan 12 penumpang naik. Di halte kedua, 14 penumpang turun. Berapa penumpang yang sekarang ada di dalam bus?",
    "Sebuah rumah memiliki 2 kamar, masing-masing berukuran panjang 9 meter dan lebar 7 meter. Berapa meter persegi luas lantai kedua kamar itu seluruhnya?",
    "Dua kakak beradik perempuan membagi uang 300 dolar. Sang kakak mendapat 60 dolar lebih banyak daripada sang adik. Berapa dolar yang didapat sang adik?",
    "3 orang pekerja dapat membangun sebuah tembok dalam 8 hari. Berapa hari yang diperlukan 6 orang pekerja untuk membangun tembok yang sama jika mereka bekerja dengan kecepatan yang sama?",
    "Sebuah toko menerima 5 kardus telur, dan setiap kardus berisi 12 butir telur. Sebanyak 9 butir telur pecah. Berapa butir telur yang tidak pecah?",
    "Ada 5 lampu yang berderet, dan setiap lampu dapat menyala atau padam. Berapa banyak pola nyala-padam berbeda yang mungkin?",
    "Umur Lina 16 tahun. Umur ayahnya 5 tahun lebih banyak daripada dua kali umurnya. Berapa tahun umur ayahnya?",
]

TEXT["yo"] = [
    "Yàrá ìkẹ́kọ̀ọ́ kan ní ìlà tábìlì 5, tábìlì 4 sì wà ní ìlà kọ̀ọ̀kan. Tábìlì 3 nínú wọn ṣófo. Tábìlì mélòó ni àwọn ènìyàn jókòó sí?",
    "Obìnrin kan tó ń ṣe búrẹ́dì ṣe búrẹ́dì 36. Ó ta ìdámẹ́rin wọn ní òwúrọ̀, ó sì fún àwọn aládùúgbò rẹ̀ ní búrẹ́dì 5. Búrẹ́dì mélòó ló kù lọ́wọ́ rẹ̀?",
    "Fọlákẹ́ ra ìwé àkọsílẹ̀ 3 ní náírà 12 ọ̀kọ̀ọ̀kan àti kálámù 2 ní náírà 7 ọ̀kọ̀ọ̀kan. Náírà mélòó ló ná lápapọ̀?",
    "Ọkọ̀ ayọ́kẹ́lẹ́ kan ń rìn kìlómítà 120 pẹ̀lú lítà 8 epo. Kìlómítà mélòó ló lè rìn pẹ̀lú lítà 3 epo?",
    "Túndé ní náírà 50. Ó ra ìwé 2 ní náírà 15 ọ̀kọ̀ọ̀kan, ó sì fi gbogbo owó tó kù ra pẹ́ńsùlù tí ọ̀kọ̀ọ̀kan jẹ́ náírà 4. Pẹ́ńsùlù mélòó ló rà?",
    "Obìnrin oníṣòwò èso kan ta máńgòrò 24 ní Ọjọ́ Ajé, ó sì ta ìdajì iye yẹn ní Ọjọ́ Ìṣẹ́gun. Ní Ọjọ́rú, ó ta ìlọ́po méjì iye tó tà ní Ọjọ́ Ajé àti Ọjọ́ Ìṣẹ́gun papọ̀. Máńgòrò mélòó ló tà lápapọ̀ láàárín ọjọ́ mẹ́ta náà?",
    "Bọ́ọ̀sì kan rìn fún wákàtí 3 ní ìyára kìlómítà 60 fún wákàtí kan, lẹ́yìn náà ó rìn fún wákàtí 2 ní ìyára kìlómítà 80 fún wákàtí kan. Kìlómítà mélòó ni bọ́ọ̀sì náà rìn lápapọ̀?",
    "Ayọ̀ jẹ́ ọmọ ọdún 7. Ọjọ́ orí ìyá rẹ̀ jẹ́ ìlọ́po 6 ọjọ́ orí rẹ̀, àbúrò ìyá rẹ̀ obìnrin sì kéré sí ìyá rẹ̀ ní ọdún 9. Ọmọ ọdún mélòó ni àbúrò ìyá rẹ̀ náà?",
    "Kẹ́mi ní náírà 1000. Ó ra ẹ̀wù òtútù 3 ní náírà 180 ọ̀kọ̀ọ̀kan, ó sì ra bàtà 2 ní náírà 95 ọ̀kọ̀ọ̀kan. Náírà mélòó ló kù lọ́wọ́ rẹ̀?",
    "Tọ́lá máa ń ṣe ìdánrawò dùùrù ní ọjọ́ 4 lọ́sẹ̀, fún ìṣẹ́jú 45 ní ọjọ́ kọ̀ọ̀kan. Ìṣẹ́jú mélòó ló fi ń ṣe ìdánrawò lọ́sẹ̀?",
    "Wọ́n to àwọn agolo sí ìlà 10, ọ̀kan lórí èkejì. Agolo 1 ló wà ní ìlà tó wà lókè pátápátá, ìlà kọ̀ọ̀kan nísàlẹ̀ sì ní agolo kan ju ìlà tó wà lókè rẹ̀ lọ. Agolo mélòó ló wà lápapọ̀?",
    "Kálámù kan jẹ́ náírà 8, ìwé àkọsílẹ̀ kan sì wọ́n ju kálámù lọ ní náírà 5. Náírà mélòó ni ìwé àkọsílẹ̀ 2 àti kálámù 1 jẹ́ lápapọ̀?",
    "Bàtà kan jẹ́ náírà 90. Nígbà àdínwó, wọ́n dín iye owó rẹ̀ kù ní 30%. Náírà mélòó ni iye owó bàtà náà nígbà àdínwó?",
    "Ṣadé ní ẹ̀wù 4, ṣòkòtò 6 àti fìlà 2. Aṣọ kan ní ẹ̀wù kan, ṣòkòtò kan àti fìlà kan. Aṣọ mélòó tó yàtọ̀ síra ló lè ṣètò?",
    "Okùn kan gùn ní mítà 16. Wọ́n gé mítà 4 kúrò lára rẹ̀, wọ́n sì gé èyí tó kù sí ẹ̀yà 3 tí gígùn wọn dọ́gba. Mítà mélòó ni gígùn ẹ̀yà kọ̀ọ̀kan?",
    "Bùkọ́lá wo fídíò 3 tí ọ̀kọ̀ọ̀kan gùn ní ìṣẹ́jú 15 àti fídíò 2 tí ọ̀kọ̀ọ̀kan gùn ní ìṣẹ́jú 25. Ìṣẹ́jú mélòó ló fi wo fídíò lápapọ̀?",
    "Ọgbà òdòdó kan rí bí onígun mẹ́rin, ó gùn ní mítà 12, ó sì fẹ̀ ní mítà 7. Mítà mélòó ni fẹ́ǹsì tí a nílò láti yí i ká pátápátá?",
    "Ìgò kan ní lítà 3 omi èso. Ife mélòó tí ọ̀kọ̀ọ̀kan gba mílílítà 250 ni a lè kún látinú rẹ̀?",
    "Èrò 35 ló wà nínú bọ́ọ̀sì kan. Ní ibùdókọ̀ àkọ́kọ́, èrò 8 sọ̀kalẹ̀, èrò 12 sì wọlé. Ní ibùdókọ̀ kejì, èrò 14 sọ̀kalẹ̀. Èrò mélòó ló wà nínú bọ́ọ̀sì náà báyìí?",
    "Ilé kan ní yàrá 2, ọ̀kọ̀ọ̀kan gùn ní mítà 9, ó sì fẹ̀ ní mítà 7. Báwo ni ilẹ̀ yàrá méjèèjì ṣe tóbi tó lápapọ̀, ní mítà onígun mẹ́rin?",
    "Arábìnrin méjì pín náírà 300 láàárín ara wọn. Ẹ̀gbọ́n gba náírà 60 ju àbúrò rẹ̀ lọ. Náírà mélòó ni àbúrò náà gbà?",
    "Òṣìṣẹ́ 3 lè mọ ògiri kan láàárín ọjọ́ 8. Ọjọ́ mélòó ni òṣìṣẹ́ 6 yóò fi mọ ògiri kan náà tí wọ́n bá ṣiṣẹ́ ní ìyára kan náà?",
    "Ṣọ́ọ̀bù kan gba páálí ẹyin 5, ẹyin 12 sì wà nínú páálí kọ̀ọ̀kan. Ẹyin 9 nínú wọn ti fọ́. Ẹyin mélòó ni kò fọ́?",
    "Gílóòbù iná 5 wà ní ìlà kan, ọ̀kọ̀ọ̀kan sì lè wà ní títàn tàbí ní pípa. Àpẹẹrẹ títàn àti pípa mélòó tó yàtọ̀ síra ló ṣeé ṣe?",
    "Lọlá jẹ́ ọmọ ọdún 16. Ọjọ́ orí bàbá rẹ̀ fi ọdún 5 ju ìlọ́po méjì ọjọ́ orí rẹ̀ lọ. Ọmọ ọdún mélòó ni bàbá rẹ̀?",
]

# Unicode name prefixes of each non-Latin language's letters: the check below
# wants most letters of a prompt in its own script (catches pasting errors).
SCRIPTS = {
    "zh": ("CJK",), "ja": ("CJK", "HIRAGANA", "KATAKANA"), "ko": ("HANGUL",),
    "ar": ("ARABIC",), "hi": ("DEVANAGARI",), "bn": ("BENGALI",),
    "th": ("THAI",), "te": ("TELUGU",), "ru": ("CYRILLIC",),
}
NUMBER = re.compile(r"[0-9]+")
# Small counts a language may write as digits where English uses words
# ("4分の1" for "a quarter", "3 日間" for "the three days").
SMALL = {"1", "2", "3", "4"}


def prompt_of(lang, num):
    text = TEXT[lang][num - 1] + "\n" + INSTRUCTION[lang]
    return unicodedata.normalize("NFC", text)


def render():
    lines = [json.dumps({"suite": SUITE}, ensure_ascii=False)]
    for num, topic, level, answer, _ in PROBLEMS:
        for lang in LANGS:
            item = {
                "id": "ml-%02d-%s" % (num, lang),
                "prompt": prompt_of(lang, num),
                "answer": str(answer),
                "lang": lang,
                "tags": ["problem-%02d" % num, topic, level],
            }
            lines.append(json.dumps(item, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def script_share(text, prefixes):
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    own = sum(1 for c in letters if unicodedata.name(c, "").startswith(prefixes))
    return own / len(letters)


def problems():
    """Every problem found wrong, as messages; empty when all is well."""
    bad = []
    nums = [p[0] for p in PROBLEMS]
    if nums != list(range(1, len(PROBLEMS) + 1)):
        bad.append("problems are not numbered 1..%d in order" % len(PROBLEMS))
    for num, _, _, answer, compute in PROBLEMS:
        if compute() != answer:
            bad.append("problem %d: answer %d, computed %d" % (num, answer, compute()))
    if set(TEXT) != set(LANGS) or set(INSTRUCTION) != set(LANGS):
        bad.append("TEXT and INSTRUCTION must cover exactly %s" % " ".join(LANGS))
        return bad
    for lang in LANGS:
        if len(TEXT[lang]) != len(PROBLEMS):
            bad.append("%s: %d problems, want %d" % (lang, len(TEXT[lang]), len(PROBLEMS)))
            continue
        if "N" not in INSTRUCTION[lang] or NUMBER.search(INSTRUCTION[lang]):
            bad.append("%s: the instruction must name N and hold no digits" % lang)
        for num in nums:
            en = set(NUMBER.findall(TEXT["en"][num - 1]))
            got = set(NUMBER.findall(TEXT[lang][num - 1]))
            missing = (en - SMALL) - got
            extra = got - en - SMALL
            if missing or extra:
                bad.append("ml-%02d-%s: numbers differ from en: missing %s, extra %s"
                           % (num, lang, sorted(missing), sorted(extra)))
            if lang in SCRIPTS:
                share = script_share(prompt_of(lang, num), SCRIPTS[lang])
                if share < 0.8:
                    bad.append("ml-%02d-%s: only %.0f%% of letters in the %s script"
                               % (num, lang, 100 * share, lang))
    return bad


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "suites", "multilingual.jsonl")
    check = len(argv) > 1 and argv[1] == "--check"
    rest = argv[2:] if check else argv[1:]
    out = rest[0] if rest else default
    bad = problems()
    for msg in bad:
        print(msg, file=sys.stderr)
    if bad:
        return 1
    text = render()
    if not check:
        with open(out, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        print("wrote %s: %d items" % (out, text.count("\n") - 1))
        return 0
    try:
        with open(out, encoding="utf-8", newline="") as f:
            have = f.read()
    except OSError as e:
        print("cannot read '%s': %s" % (out, e), file=sys.stderr)
        return 1
    if have != text:
        print("%s differs from what make_multilingual.py writes; run it again" % out,
              file=sys.stderr)
        return 1
    print("%s: %d items, %d problems x %d languages, all answers computed and equal"
          % (out, text.count("\n") - 1, len(PROBLEMS), len(LANGS)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Answer forms of issue 11, by category: each form right, and a near miss of it wrong."""

from __future__ import annotations

from fractions import Fraction

import pytest

from verifiers import extract_answer, verify
from verifiers.extract import drop_code_blocks, find_boxes
from verifiers.words import chinese_integer, chinese_numeral, number_in_sentence, number_word_at_end

TIR = (
    "Let me compute the area with Python.\n```python\nside = 12\nprint(side * side)\n```\n"
    "```output\n144\n```\nThe area is {final}"
)
TIR_IMPORT = "```python\nfrom sympy import symbols, solve\nx = symbols('x')\nprint(solve(x**2 - 144))\n```\n"


def case(prediction: str, gold: str, expected: bool, name: str):
    return pytest.param(prediction, gold, expected, id=name)


CHOICE_AFTER_VALUE = [
    case("由上可得 x=3，所以 f(3)=9，故选D", "9", True, "zh-gu-xuan-value"),
    case("计算得面积为12，所以选C", "12", True, "zh-suoyi-xuan-value"),
    case("计算得面积为12，答案选B", "12", True, "zh-daan-xuan-value"),
    case("计算得面积为 $\\frac{3}{2}$，故选\\boxed{A}", "3/2", True, "zh-boxed-letter-value"),
    case("The area is 12, so the answer is (B).", "12", True, "en-answer-letter-value"),
    case("计算得面积为12，所以选C", "13", False, "zh-other-value"),
    case("计算得面积为12，所以选C", "C", True, "zh-letter-key"),
    case("计算得面积为12，所以选C", "D", False, "zh-other-letter-key"),
    case("The area is 12, so the answer is (B).", "B", True, "en-letter-key"),
]

MARKERS = [
    case("Решим уравнение: 2x = 24. Ответ: 12", "12", True, "ru-otvet"),
    case("Итак, ответ: $\\frac{1}{2}$.", "1/2", True, "ru-otvet-latex"),
    case("Ответ: 12 рублей", "12", True, "ru-otvet-unit"),
    case("Ответ: 13", "12", False, "ru-otvet-wrong"),
    case("On résout 2x = 14. Donc, la réponse est 7.", "7", True, "fr-la-reponse-est"),
    case("Réponse : $7$", "7", True, "fr-reponse-colon"),
    case("La réponse finale est 8.", "7", False, "fr-wrong"),
    case("Wir lösen 5x = 25. Die Antwort ist 5.", "5", True, "de-antwort-ist"),
    case("Antwort: $5$", "5", True, "de-antwort-colon"),
    case("Die Antwort lautet 6.", "5", False, "de-wrong"),
    case("2x = 16 を解くと、x = 8。答え：8", "8", True, "ja-kotae-colon"),
    case("よって答えは8です。", "8", True, "ja-kotae-wa"),
    case("よって答えは9です。", "8", False, "ja-wrong"),
    case("Resolviendo 3x = 27, la respuesta es 9.", "9", True, "es-la-respuesta-es"),
    case("Respuesta: $9$", "9", True, "es-respuesta-colon"),
    case("Respuesta final: 10", "9", False, "es-wrong"),
]

TOOL_INTEGRATED = [
    case(TIR.format(final="\\(\\boxed{144}\\)."), "144", True, "paren-boxed"),
    case(TIR.format(final="$\\boxed{144}$"), "144", True, "dollar-boxed"),
    case(TIR_IMPORT + "```output\n[-12, 12]\n```\nSo $x = \\boxed{\\pm 12}$", "\\pm 12", True, "import-in-code"),
    case(TIR_IMPORT + "```output\n[-12, 12]\n```\n\\(\\boxed{144}\\)", "144", True, "import-then-box"),
    case(TIR.format(final="\\(\\boxed{145}\\)."), "144", False, "wrong-box"),
    case("Use `__import__('os')` here: \\boxed{144}", "144", False, "code-outside-fence"),
]

UNITS = [
    case("速度是每小时45千米", "45", True, "zh-per-hour-km"),
    case("速度为45千米/小时", "45", True, "zh-km-per-hour"),
    case("The speed is 45 km/h.", "45", True, "en-km-h"),
    case("The speed is $45\\text{ km/h}$.", "45", True, "en-text-km-h"),
    case("速度为54千米/小时", "45", False, "zh-digits-swapped"),
    case("The speed is 46 km/h.", "45", False, "en-off-by-one"),
]

ABS_INEQUALITIES = [
    case("|x|>1", "(-\\infty,-1)\\cup(1,\\infty)", True, "abs-gt-union"),
    case("|x|\\ge 1", "(-\\infty,-1]\\cup[1,\\infty)", True, "abs-ge-union"),
    case("|x|<1", "(-1,1)", True, "abs-lt-interval"),
    case("|2x-1|\\le 3", "[-1,2]", True, "abs-linear-closed"),
    case("|1-x|<2", "-1<x<3", True, "abs-negative-slope"),
    case("|x|>1", "x<-1 \\text{ or } x>1", True, "abs-vs-or"),
    case("|x|<1", "[-1,1]", False, "abs-open-vs-closed"),
    case("|x|>2", "(-\\infty,-1)\\cup(1,\\infty)", False, "abs-other-bound"),
    case("|x|\\ge 1", "(-\\infty,-1)\\cup(1,\\infty)", False, "abs-ge-vs-open"),
    case("[-2,-1)\\cup(1,2]", "1<|x|\\le 2", True, "abs-between"),
    case("3 > |x| > 1", "(-3,-1)\\cup(1,3)", True, "abs-between-reversed"),
    case("[-2,-1]\\cup[1,2]", "1<|x|\\le 2", False, "abs-between-closed-vs-open"),
    case("1\\le|z|\\le 3/2", "[1,3/2]", False, "abs-between-not-one-interval"),
]

# A lower bound every |u| meets is no bound (0 <= |x| < 3 is |x| < 3); |u| > 0 is u != 0.
ABS_LOWER_BOUNDS = [
    case("0 \\le |x| < 3", "(-3,3)", True, "zero-le-abs-lt"),
    case("0 <= |x| < 3", "(-3,3)", True, "zero-le-abs-lt-ascii"),
    case("-1 < |x| < 3", "(-3,3)", True, "negative-lower-bound"),
    case("3 > |x| \\ge 0", "(-3,3)", True, "zero-lower-bound-reversed"),
    case("|x|<3, |x|\\ge 0", "(-3,3)", True, "redundant-bound-joined"),
    case("|x| < 3 \\text{ and } |x| \\ge 0", "(-3,3)", True, "redundant-bound-and"),
    case("|x| \\ge 0", "(-\\infty,+\\infty)", True, "abs-ge-zero-reals"),
    case("0 \\le |2x-1| < 3", "(-1,2)", True, "zero-le-linear-abs"),
    case("1 \\le |2x-1| \\le 3", "[-1,0]\\cup[1,2]", True, "linear-abs-between"),
    case("0 < |x| < 3", "(-3,0)\\cup(0,3)", True, "zero-lt-abs-punctured"),
    case("所以 $0\\le|x|<3$。", "(-3,3)", True, "zh-zero-le-abs-lt"),
    case("所以不等式的解集为 $-1<|x|<3$。", "(-3,3)", True, "zh-negative-lower-bound"),
    case("Therefore, $0 \\le |x| < 3$.", "(-3,3)", True, "en-zero-le-abs-lt"),
    case("0 \\le |x| < 3", "[-3,3)", False, "zero-le-read-as-closed"),
    case("0 \\le |x| < 3", "0 \\le x < 3", False, "zero-le-read-as-bound-on-x"),
    case("0 \\le |x| < 3", "[0,3)", False, "zero-le-half-interval"),
    case("-1 < |x| < 3", "(-1,3)", False, "negative-bound-read-on-x"),
    case("0 < |x| < 3", "(-3,3)", False, "zero-lt-is-punctured"),
    case("0 \\le |2x-1| < 3", "(-2,1)", False, "linear-abs-other-interval"),
    case("1 \\le |2x-1| \\le 3", "[-1,2]", False, "linear-abs-between-not-one-interval"),
    case("所以 $0\\le|x|<3$。", "[0,3)", False, "zh-zero-le-half-interval"),
    # -2 meets 1 < |x| <= 2: the set is [-2,-1) U (1,2], so an open -2 misses a member.
    case("1 < |x| <= 2", "(-2,-1) \\cup (1,2]", False, "abs-between-open-at-minus-two"),
    case("1 < |x| <= 2", "[-2,-1) \\cup (1,2]", True, "abs-between-closed-at-minus-two"),
]

# A key is written by hand: its boxes apart only by separator symbols or part labels are all parts
# of the answer, and a last box never closed runs to the end (a model's unclosed box stays unread).
KEY_BOXES = [
    case("${35 cm,4}$", "$\\boxed{35 cm} ++++++ \\boxed{4}$", True, "key-boxes-symbol-gap"),
    case("35 cm and 4", "$\\boxed{35 cm} ++++++ \\boxed{4}$", True, "key-boxes-symbol-gap-words"),
    case("35 cm", "$\\boxed{35 cm} ++++++ \\boxed{4}$", False, "key-boxes-one-part-missing"),
    case("${35 cm,5}$", "$\\boxed{35 cm} ++++++ \\boxed{4}$", False, "key-boxes-one-part-wrong"),
    case("3, 4", "\\boxed{3} | \\boxed{4}", True, "key-boxes-bar"),
    case("4", "\\boxed{3} | \\boxed{4}", False, "key-boxes-bar-one-part"),
    case("3, 4", "(1) $\\boxed{3}$；(2) $\\boxed{4}$", True, "zh-key-boxes-part-labels"),
    case("所以 (2) 的答案为 $4$", "(1) $\\boxed{3}$；(2) $\\boxed{4}$", False, "zh-key-parts-pred-one"),
    case("6", "\\boxed{5} \\to \\boxed{6}", True, "key-boxes-arrow-not-joined"),
    case("5, 6", "\\boxed{5} \\to \\boxed{6}", False, "key-boxes-arrow-not-a-list"),
    case("W(x)=1orW(x)=-1", "\\boxed{W(n) = 1 \\text{ and } W(n) = -1", True, "key-unclosed-box-functions"),
    case("W(x)=1", "\\boxed{W(n) = 1 \\text{ and } W(n) = -1", False, "key-unclosed-box-one-function"),
    case("W(x)=1orW(x)=2", "\\boxed{W(n) = 1 \\text{ and } W(n) = -1", False, "key-unclosed-box-wrong-function"),
    case("0.5", "$\\boxed{\\frac{1}{2}$.", True, "key-unclosed-box-fraction"),
    case("1/3", "$\\boxed{\\frac{1}{2}$.", False, "key-unclosed-box-other-fraction"),
    case("0.5", "所以答案为 $\\boxed{\\frac{1}{2}$。", True, "zh-key-unclosed-box"),
    case("0.25", "所以答案为 $\\boxed{\\frac{1}{2}$。", False, "zh-key-unclosed-box-other"),
    case("The answer is \\boxed{12", "12", False, "prediction-unclosed-box-unread"),
    case(
        "解：(1) 面积为12，(2) 周长为14。故答案为 $12$，$14$。",
        "(1) $\\boxed{12}$；(2) $\\boxed{14}$",
        True,
        "zh-comma-between-math",
    ),
    case("故答案为 $12$，$15$。", "(1) $\\boxed{12}$；(2) $\\boxed{14}$", False, "zh-comma-between-math-wrong"),
    case("x=1orx=2", "1, 2", True, "glued-or-lowercase"),
    case("x=1orx=3", "1, 2", False, "glued-or-lowercase-wrong"),
    case("所以 $x=1$ 或 $x=-1$", "\\boxed{x=1 \\text{ or } x=-1", True, "zh-or-vs-unclosed-key"),
    case("所以 $x=1$", "\\boxed{x=1 \\text{ or } x=-1", False, "zh-one-root-vs-unclosed-key"),
]

NUMBER_WORDS = [
    case("There are twelve apples.", "12", True, "en-sentence"),
    case("It takes one hundred and five minutes.", "105", True, "en-hundred-and"),
    case("The answer is twenty-five.", "25", True, "en-marker"),
    case("有十二个苹果", "12", True, "zh-sentence"),
    case("There are twelve apples.", "13", False, "en-other-number"),
    case("There are more than twelve apples.", "12", False, "en-more-than"),
    case("There are twelve apples and three pears.", "12", False, "en-two-numbers"),
    case("one half", "1", False, "en-fraction-word"),
    case("有十三个苹果", "12", False, "zh-other-number"),
]

# A whole solution with no box or marker: the last sentence's number word counts when no digit
# string or math comes after it; a digit string after the word wins.
APPLES = "Tom had 5 apples and bought 7 more. Then he gave his sister some of them."
PINGGUO = "小明有5个苹果，又买了7个，然后分给妹妹一些。"
NUMBER_WORDS_AT_END = [
    case(APPLES + "\n\nSo she has twelve apples left.", "12", True, "en-last-sentence"),
    case(APPLES + " So in total he has twelve apples.", "12", True, "en-same-paragraph"),
    case("After 3 days of buying 4 apples a day she has twelve apples.", "12", True, "en-word-after-digits"),
    case(APPLES + " He has one hundred and five cents.", "105", True, "en-hundred-and"),
    case(PINGGUO + "她现在有十二个苹果。", "12", True, "zh-last-sentence"),
    case(PINGGUO + "\n\n现在一共有十二个。", "12", True, "zh-yigong-not-a-number"),
    case(PINGGUO + "所以一共有十二个。", "12", True, "zh-marker"),
    case(APPLES + "\n\nSo she has twelve apples left.", "13", False, "en-other-number"),
    case(PINGGUO + "她现在有十二个苹果。", "13", False, "zh-other-number"),
    case("She had twelve apples. Then she bought 3 more, so she has 15 apples.", "12", False, "en-digits-later-win"),
    case("She had twelve apples. Then she bought 3 more, so she has 15 apples.", "15", True, "en-digits-later-right"),
    case("她原来有十二个苹果，又买了3个，现在有15个。", "12", False, "zh-digits-later-win"),
    case("她原来有十二个苹果，又买了3个，现在有15个。", "15", True, "zh-digits-later-right"),
    case(APPLES + " Now he has more than twelve apples.", "12", False, "en-more-than"),
    case(PINGGUO + "她现在不到十二个苹果。", "12", False, "zh-under"),
    case(APPLES + " Now he has twelve apples and three pears.", "12", False, "en-two-numbers"),
    case(APPLES + " So the answer is $\\boxed{11}$. He has twelve apples.", "12", False, "en-box-wins"),
    case("5 + 7 = 12 apples in all.\n\nThen she gave one to her friend.", "1", False, "en-lone-one"),
]

COLLOQUIAL_CHINESE = [
    case("一百五", "150", True, "yibaiwu"),
    case("百五", "150", True, "baiwu"),
    case("两百五", "250", True, "liangbaiwu"),
    case("三千二", "3200", True, "qianer"),
    case("两万五", "25000", True, "wanwu"),
    case("一共有一百五十个", "150", True, "full-form"),
    case("一百零五", "150", False, "ling-is-105"),
    case("一百五", "105", False, "not-105"),
    case("十五", "150", False, "shi-unit-is-ones"),
]

RATIOS = [
    case("0:4", "0:1", True, "zero-first-reduced"),
    case("0:1", "0:4", True, "zero-first-reversed"),
    case("3:0", "1:0", True, "zero-second"),
    case("2:3:0", "4:6:0", True, "three-parts-zero"),
    case("0:4", "1:0", False, "zero-swapped"),
    case("0:0", "0:1", False, "all-zero"),
    case("2:3:0", "4:6:1", False, "three-parts-differ"),
]

FOUND_BY_THE_CASE_FILE = [
    case("所以概率为 $\\frac{1}{6}$，故选 $\\boxed{A}$", "1/6", True, "zh-choice-in-math-value"),
    case("所以概率为 $\\frac{1}{6}$，故选 $\\boxed{A}$", "1/3", False, "zh-choice-in-math-other-value"),
    case("The train leaves at 3:00 PM.", "15:00", True, "en-time-in-sentence"),
    case("The train leaves at 4:00 PM.", "15:00", False, "en-other-time-in-sentence"),
    case("火车在下午3:00出发。", "15:00", True, "zh-time-in-sentence"),
    case("下午3:00", "03:00", False, "zh-afternoon-prefix-not-morning"),
    case("晚上8:30", "20:30", True, "zh-evening-prefix"),
    case("x=2 或 x=3", "2, 3", True, "zh-or-list"),
    case("x=2 或 x=4", "2, 3", False, "zh-or-list-wrong"),
    case("a=1 和 b=2", "1, 2", True, "zh-and-list"),
    case("(-\\infty,+\\infty)", "\\mathbb R", True, "mathbb-space-reals"),
    case("(0,+\\infty)", "\\mathbb R", False, "mathbb-space-not-reals"),
    case("forty percent", "40\\%", True, "en-percent-words"),
    case("forty percent", "4\\%", False, "en-percent-words-wrong"),
    case("所以 $z$ 的取值范围是 $[1,2]$。", "1\\le z\\le 2", True, "zh-name-then-value"),
    case("所以 $a$ 的值为 $3$。", "3", True, "zh-name-value-wei"),
    case("所以 $a$ 的值为 $3$。", "4", False, "zh-name-value-wrong"),
    case("So the value of $a$ is $3$.", "3", True, "en-name-then-value"),
]

# A solution's boxes apart only by the next part's label are all its answer; a revision is not.
PART_BOXES = [
    case("(1) 由题意得 a=3，答案为 \\boxed{3}；(2) 答案为 \\boxed{4}", "3; 4", True, "zh-parts-marker"),
    case("(1) 由题意得 a=3，答案为 \\boxed{3}；(2) 答案为 \\boxed{4}", "4", False, "zh-parts-not-last"),
    case("第一问：\\boxed{12}，第二问：\\boxed{\\frac{1}{2}}", "12, \\frac12", True, "zh-ordinal-parts"),
    case("第一问：\\boxed{12}，第二问：\\boxed{\\frac{1}{2}}", "12, \\frac13", False, "zh-ordinal-wrong"),
    case("Part (a): $\\boxed{2}$. Part (b): $\\boxed{9}$.", "2, 9", True, "en-parts"),
    case("(a) The length is \\boxed{5}. (b) The width is \\boxed{7}.", "5, 7", True, "en-parts-words"),
    case("（1）\\boxed{2}（2）\\boxed{9}", "2, 9", True, "zh-fullwidth-labels"),
    case("First \\boxed{3}. Wait, that is wrong; the answer is \\boxed{4}", "3, 4", False, "revision"),
    case("We get \\boxed{3}, so in step (2) we use it to find \\boxed{4}", "4", True, "label-in-prose"),
]
# No box or marker: the values of one variable joined by or/and that end the solution.
ROOTS_AT_END = [
    case("Solving the quadratic, we find x = 3 or x = -3.", "3, -3", True, "en-or-roots"),
    case("Solving the quadratic, we find x = 3 or x = -3.", "3", False, "en-or-roots-one"),
    case("Factoring gives (x-3)(x+3)=0, so x=3, x=-3", "\\pm 3", True, "comma-roots-pm"),
    case("The discriminant is 9, so the roots are x = 1/2 and x = 2", "\\{\\frac12, 2\\}", True, "and-roots"),
    case("The discriminant is 9, so the roots are x = 1/2 and x = 2", "\\{\\frac12, 3\\}", False, "and-wrong"),
    case("解方程得 x=2 或 x=-5。", "2, -5", True, "zh-or-roots"),
    case("解方程得 x=2 或 x=-5。", "-5", False, "zh-or-roots-one"),
]

# Several options chosen (多选题), and an option written with its content.
OPTION_SETS = [
    case("综上所述，答案是 A、C。", "AC", True, "zh-two-options"),
    case("综上所述，答案是 A、C。", "A", False, "zh-two-options-one-key"),
    case("故选：BD", "BD", True, "zh-gu-xuan-two"),
    case("故选：BD", "BCD", False, "zh-gu-xuan-missing-one"),
    case("The answer is A and C.", "A, C", True, "en-and-options"),
    case("The answer is \\boxed{A, C}", "AC", True, "boxed-options"),
    case("答案：CAD", "ACD", False, "run-together-out-of-order"),
    case("The answer is (C) 12.", "C", True, "labelled-option-letter-key"),
    case("The answer is (C) 12.", "12", True, "labelled-option-value-key"),
    case("The answer is (C) 12.", "B", False, "labelled-option-other-letter"),
    case("The answer is (C) 12.", "13", False, "labelled-option-other-value"),
]
# Numbers inside a sentence: Chinese words between numbers make prose, not a product; ratios,
# mixed numbers and yuan-jiao amounts are one number; verdict words in a Chinese sentence.
NUMBERS_IN_SENTENCES = [
    case("答：甲乙两地相距480千米。", "480千米", True, "zh-liang-before-value"),
    case("答：甲乙两地相距480千米。", "960", False, "zh-not-a-product"),
    case("第2题的答案是5", "5", True, "zh-number-before-marker"),
    case("4又5/11", "49/11", True, "zh-you-mixed-number"),
    case("3元5角", "3.5", True, "yuan-jiao"),
    case("共需2元5分", "2.05元", True, "yuan-fen"),
    case("共需2元5分", "2.5元", False, "yuan-fen-not-jiao"),
    case("这个比是 6:4。", "3:2", True, "zh-ratio-in-sentence"),
    # a ratio in words or with the ratio sign; jiao (and fen) with no yuan; a clock time after a part of the day
    case("答：男生和女生人数的比是3比4。", "3:4", True, "zh-ratio-in-words"),
    case("答：男生和女生人数的比是三比四。", "3:4", True, "zh-ratio-in-numeral-words"),
    case("答：男生和女生人数的比是4比3。", "3:4", False, "zh-ratio-in-words-swapped"),
    case("答：男生和女生人数的比是6∶8。", "3:4", True, "zh-ratio-sign"),
    case("所以比是3比4", "3:4", True, "zh-ratio-in-words-no-answer-line"),
    case("答：甲比乙多3个。", "3", True, "zh-comparison-is-no-ratio"),
    case("答：一支笔5角。", "0.5", True, "zh-jiao-alone"),
    case("答：一支笔5角。", "5", False, "zh-jiao-is-no-yuan"),
    case("所以一块橡皮8角5分", "0.85元", True, "zh-jiao-and-fen"),
    case("答：画了5角星。", "5", True, "zh-star-is-no-jiao"),
    case("答：电影在下午3点半结束。", "15:30", True, "zh-clock-half-past"),
    case("答：电影在下午三点半结束。", "15:30", True, "zh-clock-numerals"),
    case("答：电影在下午3点结束。", "15:30", False, "zh-clock-hour-only"),
    case("答：他们到达的时间是下午两点四十五分。", "14:45", True, "zh-clock-minutes"),
    case("答：他们到达的时间是下午两点四十五分。", "2.45", False, "zh-clock-is-no-decimal"),
    case("答：上午9点一刻出发。", "09:15", True, "zh-clock-quarter"),
    case("答：上午9点出发。", "21:00", False, "zh-clock-morning"),
    case("所以在晚上8点整到达", "20:00", True, "zh-clock-on-the-hour"),
    case("答：中午12点到达。", "12:00", True, "zh-clock-noon"),
    case("The ratio of boys to girls is 3:2.", "2:3", False, "en-ratio-swapped"),
    case("He ran 3 1/2 miles.", "3.5", True, "en-mixed-number-in-sentence"),
    case("He ran 3 1/2 miles.", "1/2", False, "en-mixed-number-not-its-fraction"),
    case("因此，该命题正确。", "正确", True, "zh-verdict-in-sentence"),
    case("该说法不正确", "正确", False, "zh-negated-verdict"),
    case("这个结论并不正确", "错误", True, "zh-negated-is-no"),
    case("没有错误", "错误", False, "zh-no-error-is-not-no"),
]
# An ordered pair written as assignments; an angle in radians against a key in degrees.
ASSIGNMENTS_AND_ANGLES = [
    case("So $a = 2$ and $b = 3$, giving $\\boxed{a=2, b=3}$.", "(2,3)", True, "assignments-tuple"),
    case("\\boxed{y=3, x=2}", "(2,3)", True, "assignments-ordered-by-name"),
    case("\\boxed{x=3, y=2}", "(2,3)", False, "assignments-swapped"),
    case("\\boxed{x=2, y=3}", "[2,3)", False, "assignments-not-an-interval"),
    case("\\boxed{x=2, x=3}", "(2,3)", False, "assignments-one-name-twice"),
    case("Therefore, the answer is $\\boxed{\\frac{\\pi}{4}}$.", "45^\\circ", True, "radians-degree-key"),
    case("$\\boxed{45^\\circ}$", "\\frac{\\pi}{4}", True, "degrees-radian-key"),
    case("$\\boxed{\\frac{\\pi}{3}}$", "45^\\circ", False, "radians-other-angle"),
    case("$\\boxed{\\frac{\\pi}{4}}$", "45", False, "radians-bare-number-key"),
]

# Repeating decimals, a ratio against its quotient, durations in hours and minutes.
VALUES_WRITTEN_OTHERWISE = [
    case("So the answer is $\\boxed{0.1\\overline{6}}$.", "\\frac{1}{6}", True, "repeating-after-fixed"),
    case("$\\boxed{0.\\overline{142857}}$", "1/7", True, "repeating-period-six"),
    case("$\\boxed{0.\\dot{3}}$", "1/3", True, "repeating-dot"),
    case("$\\boxed{0.\\overline{3}}$", "0.3", False, "repeating-not-terminating"),
    case("Therefore, $\\boxed{\\frac{2}{3}}$ is the ratio.", "2:3", True, "quotient-ratio-key"),
    case("$\\boxed{2:3}$", "2/3", True, "ratio-quotient-key"),
    case("$\\boxed{3:2}$", "2/3", False, "ratio-inverted"),
    case("$\\boxed{2:0}$", "2", False, "ratio-zero-part"),
    case("$\\boxed{2:3:4}$", "2/3", False, "three-part-ratio"),
    case("It will take 6 hours and 30 minutes.", "6.5", True, "en-hours-minutes"),
    case("It will take 6 hours and 20 minutes.", "6.5", False, "en-hours-minutes-other"),
    case("答：需要3小时30分钟。", "3.5小时", True, "zh-hours-minutes"),
]
# Text keys: the verdict a solution opens with, the words after a sentence's copula, shape names.
TEXT_IN_SENTENCES = [
    case("Yes, because 17 is prime.", "yes", True, "leading-yes"),
    case("No, because 17 is prime.", "yes", False, "leading-no"),
    case("We check: 17 is prime.\n\nYes, it is.", "yes", True, "leading-yes-last-paragraph"),
    case("The triangle is a right triangle.", "right triangle", True, "en-after-copula"),
    case("The triangle is not a right triangle.", "right triangle", False, "en-negated"),
    case("Yes", "right triangle", False, "right-is-no-verdict-in-a-term"),
    case("答：这是一个直角三角形。", "直角三角形", True, "zh-measure-word"),
    case("答：这是一个锐角三角形。", "直角三角形", False, "zh-other-shape"),
    case("该三角形不是直角三角形", "直角三角形", False, "zh-negated"),
    case("三角形", "3", False, "zh-numeral-in-a-shape-name"),
]

# Inequalities after a short lead word, intersections of intervals, inverse functions by name,
# Chinese compound units.
SETS_AND_NAMES = [
    case("So $x < -1$ or $x > 2$.", "(-\\infty,-1)\\cup(2,\\infty)", True, "so-inequalities-or"),
    case("So $x < -1$ or $x > 2$.", "(-\\infty,-1]\\cup(2,\\infty)", False, "so-inequalities-other-end"),
    case("So $x > -1$ and $x < 2$.", "(-1, 2)", True, "so-inequalities-and"),
    case("$\\boxed{[1,2] \\cap [1.5, 3]}$", "[1.5,2]", True, "intersection"),
    case("$\\boxed{[1,2] \\cap [3, 4]}$", "\\emptyset", True, "intersection-empty"),
    case("$\\boxed{[1,2] \\cap [1.5, 3]}$", "[1,2]", False, "intersection-not-the-first"),
    case("The inverse is $\\boxed{f^{-1}(x) = \\frac{x-1}{2}}$.", "\\frac{x-1}{2}", True, "inverse-by-name"),
    case("The inverse is $\\boxed{f^{-1}(x) = \\frac{x-1}{2}}$.", "\\frac{x+1}{2}", False, "inverse-other"),
    case("答：汽车每小时行驶45千米。", "45千米/小时", True, "zh-compound-unit-key"),
    case("答：汽车每小时行驶54千米。", "45千米/小时", False, "zh-compound-unit-other"),
    # clauses that each hold a number: the last one against a single value, all against a list
    case("答：每组有8人，可以分成6组。", "6", True, "zh-clauses-last-value"),
    case("答：每组有8人，可以分成6组。", "8", False, "zh-clauses-not-the-first"),
    case("答：甲有12本，乙有24本。", "12, 24", True, "zh-clauses-list-key"),
    case("答案是 2，3", "3", False, "digit-list-stays-a-list"),
]
WHERE_ATTAINED_AND_CONTINUATIONS = [
    # a closing clause saying where a value is attained: the value before it is the answer
    case("The minimum value is $-3$, which occurs at $x=2$.", "-3", True, "value-then-where"),
    case("The minimum value is $-3$, which occurs at $x=2$.", "2", False, "where-is-not-the-value"),
    case("The maximum is 5, achieved when x = 2.", "5", True, "value-then-when"),
    case("所以最小值是-3，当且仅当x=2时取得。", "-3", True, "zh-value-then-where"),
    case("最小值为-3，此时x=2。", "2", False, "zh-where-is-not-the-value"),
    case("It occurs at x = 2.", "2", True, "where-alone-is-the-answer"),
    # a model that goes on with a new exercise after its answer (few-shot continuations)
    case("The answer is 3.\n\nQuestion: How many are left? Answer: 5", "3", True, "next-question-dropped"),
    case("The answer is 3.\n\nQuestion: How many are left? Answer: 5", "5", False, "next-answer-not-read"),
    case("答案是3。\n问题：小明有5个苹果……答案是5", "3", True, "zh-next-question-dropped"),
    case("Restating.\nProblem: find x.\nSo x = 4.", "4", True, "restated-problem-kept"),
    # idiomatic 一 in a Chinese sentence is no number; a closing 一次 (once) still counts
    case("答：需要4辆车才能一次运完。", "4", True, "zh-in-one-go"),
    case("答：他一共去了一次。", "1", True, "zh-once"),
    case("答：占全部的三分之一。", "1/3", True, "zh-fraction-of-one-in-a-sentence"),
    case("答：这个数是负三。", "-3", True, "zh-negative-numeral"),
    case("答：这个数是负三。", "3", False, "zh-negative-is-not-positive"),
    case("答：负数有3个。", "3", True, "zh-negative-as-a-word"),
    case("$\\boxed{\\sin^{-1} x}$", "\\arcsin x", True, "sin-to-minus-one-is-arcsin"),
    # boxes each assigned to a name are assignments; clauses with their own values are a list
    case("Hence $x = \\boxed{3}$ and $y = \\boxed{-2}$.", "(3,-2)", True, "named-boxes-as-a-tuple"),
    case("Hence $x = \\boxed{-2}$ and $y = \\boxed{3}$.", "(3,-2)", False, "named-boxes-other-order"),
    case("Hence $x = \\boxed{3}$ or $x = \\boxed{-2}$.", "3,-2", True, "one-name-boxes-stay-a-list"),
    case("答：长是8厘米，宽是5厘米。", "8,5", True, "zh-valued-clauses-list"),
    case("答：长是8厘米，宽是5厘米。", "8", False, "zh-valued-clauses-last-value"),
    case("答：它们的最大公因数是6，最小公倍数是36。", "36", True, "zh-valued-clauses-single-key"),
    case("So there are $\\boxed{\\text{infinitely many}}$ solutions.", "\\infty", True, "infinitely-many"),
    case("答：有无数个。", "\\infty", True, "zh-infinitely-many"),
    # sets named in words, alone or closing a short sentence; never after a negation
    case("The domain is all real numbers.", "(-\\infty,\\infty)", True, "words-all-reals"),
    case("The range is all positive real numbers.", "(0,\\infty)", True, "words-positive-reals"),
    case("The range is all positive real numbers.", "[0,\\infty)", False, "words-positive-reals-open"),
    case("$\\boxed{\\text{no solution}}$", "\\emptyset", True, "words-no-solution"),
    case("no solution", "2", False, "words-no-solution-is-no-value"),
    case("答：方程无解。", "\\emptyset", True, "zh-words-no-solution"),
    case("解集不是空集。", "\\emptyset", False, "zh-words-negated"),
    case("The solution set is not the empty set.", "\\emptyset", False, "words-negated"),
    # a vector against a tuple; a generic noun after a one-word text answer
    case("$\\boxed{(6, 3)}$", "\\begin{pmatrix}6\\\\3\\end{pmatrix}", True, "tuple-vs-column-vector"),
    case("$\\boxed{(3, 6)}$", "\\begin{pmatrix}6\\\\3\\end{pmatrix}", False, "tuple-vs-column-vector-order"),
    case("Therefore $f$ is an odd function.", "\\text{odd}", True, "text-with-kind-noun"),
    case("Therefore $f$ is an even function.", "\\text{odd}", False, "text-with-kind-noun-other"),
    # a value followed by "of" and words keeps its value; "a total of 20" reads what follows
    case("The answer is 20 cups of feed in the final meal.", "20", True, "value-of-words"),
    case("The answer is a total of 20.", "20", True, "total-of-value"),
    # tenths (打八折, 二成), "and a half" after a count, below zero
    case("答：该商品打了八折。", "80%", True, "zh-discount-tenths"),
    case("答：该商品打了八五折。", "85%", True, "zh-discount-hundredths"),
    case("答：该商品打了八折。", "8", False, "zh-discount-is-no-count"),
    case("答：比原来增加了二成。", "20%", True, "zh-share-in-tenths"),
    case("答：今年的产量比去年增长了二成五。", "25%", True, "zh-share-in-tenths-and-hundredths"),
    case("答：今年的产量比去年增长了二成五。", "20%", False, "zh-share-in-tenths-not-rounded"),
    case("答：今年的产量比去年增长了二成。", "25%", False, "zh-share-in-tenths-no-hundredths"),
    case("答：小明跑了3圈半。", "3.5", True, "zh-and-a-half"),
    case("答：用了一个半小时。", "1.5", True, "zh-one-and-a-half-hours"),
    case("答：半径是3厘米。", "3", True, "zh-radius-is-no-half"),
    case("答：气温是零下5度。", "-5", True, "zh-below-zero"),
    case("5 degrees below zero", "-5", True, "below-zero"),
    # unicode and markdown forms; a value said again another way
    case("The answer is ½.", "0.5", True, "unicode-vulgar-fraction"),
    case("The answer is 5×10⁻³.", "0.005", True, "unicode-superscript-exponent"),
    case("The answer is 5×10⁻³.", "0.05", False, "unicode-superscript-exponent-other"),
    case("The answer is `42`.", "42", True, "markdown-code-answer"),
    case("The answer is 9.8 m/s^2.", "9.8", True, "unit-per-second-squared"),
    case("The answer is 0.5, i.e., 50%.", "\\frac12", True, "restated-value"),
    case("The answer is 12 (that is, a dozen).", "12", True, "restated-in-words"),
    # a check after the answer is no answer; a check that goes on to a new answer is read
    case("We get 42.\n\nVerification: 42 - 30 = 12 ✓.", "42", True, "closing-check"),
    case("所以，这个数是6，检验：2×6+3=15，正确。", "6", True, "zh-closing-check"),
    # a closing line of labelled parts, each its own clause, with no marker
    case("（1）甲车每小时行60千米；（2）乙车每小时行45千米。", "(1) 60 (2) 45", True, "zh-parts-line"),
    case("（1）甲车每小时行60千米；（2）乙车每小时行40千米。", "(1) 60 (2) 45", False, "zh-parts-line-one-wrong"),
    case("（1）甲车每小时行60千米；（2）乙车每小时行45千米。", "(1) 45 (2) 60", False, "zh-parts-line-swapped"),
    case("（1）甲车每小时行60千米；（2）乙车每小时行45千米。", "45", False, "zh-parts-line-is-no-last-part"),
    case("（1）甲车每小时行12或13千米；（2）乙车每小时行45千米。", "(1) 12 (2) 45", False, "zh-parts-line-hedge"),
    # an answer line that repeats the question before answering it
    case("答：小明从家到学校一共走了多少米？1200米。", "1200", True, "zh-question-echo"),
    case("答：一共有多少个苹果? 15个", "15", True, "zh-question-echo-ascii-mark"),
    case("答：一共有多少个苹果？一共有15个。", "16", False, "zh-question-echo-other-value"),
    case("答：一共有多少个苹果？12或13个。", "12", False, "zh-question-echo-hedge"),
    case("答：小明从家到学校一共走了多少米？", "1200", False, "zh-question-echo-unanswered"),
    case("x = 4.\nCheck: 3*4+5 = 17, wrong. Redo: x = 5. The answer is 5.", "5", True, "check-then-answer"),
    case("x = 4.\nCheck: 3*4+5 = 17, wrong. Redo: x = 5. The answer is 5.", "4", False, "check-then-answer-not-first"),
    # an option in bold, an option ruled out after the chosen one
    case("所以正确选项是 **B**。", "B", True, "bold-option"),
    case("The correct option is (D) 42, not (B) 24.", "D", True, "option-then-ruled-out"),
    case("The correct option is (D) 42, not (B) 24.", "B", False, "ruled-out-option-not-chosen"),
    case("It is B rather than C.", "B", True, "option-rather-than"),
    # part labels inside a listed answer are separators; a function's argument is no label
    case("答：(1) 8；(2) 16。", "8, 16", True, "part-labels-in-answer"),
    case("答：(1) 8；(2) 16。", "8, 17", False, "part-labels-other-value"),
    case("答：第一问为 8，第二问为 16。", "8, 16", True, "zh-part-ordinals-in-answer"),
    case("f(1) = 3, f(2) = 5", "3, 5", True, "function-arguments-no-labels"),
    # a value ruled out after the answer, a negated answer marker, a correction after it
    case("The answer is 12, not 13.", "13", False, "ruled-out-value-not-the-answer"),
    case("The answer is 12, not 13.", "12", True, "value-before-ruled-out"),
    case("The answer is not 12.", "12", False, "negated-marker"),
    case("所以答案不是12。", "12", False, "zh-negated-marker"),
    case("The answer is not 12. The answer is 13.", "13", True, "negated-then-answer"),
    case("答：不是12，而是15。", "15", True, "zh-correction"),
    case("The answer is not 12 but 13.", "12", False, "correction-not-the-first"),
    case("There are 5 apples, so I cannot determine how many pears there are.", "5", False, "refusal-kept"),
    # probes with every symbol negative tell x from |x|; where a side is not real they are skipped
    case("$\\boxed{\\sqrt{x^2}}$", "x", False, "sqrt-of-square-is-not-x"),
    case("$\\boxed{|x|}$", "\\sqrt{x^2}", True, "abs-is-sqrt-of-square"),
    case("$\\boxed{x}$", "|x|", False, "x-is-not-abs"),
    case("$\\boxed{\\ln|x|}$", "\\ln x", True, "log-abs-where-defined"),
    # combinations in C(n,k) notations; a closing modulus; a parenthetical restatement
    case("$\\boxed{C(10,3)}$", "120", True, "combination-c-of"),
    case("$\\boxed{{}_{10}C_3}$", "120", True, "combination-subscripts"),
    case("$\\boxed{C(10,3)}$", "720", False, "combination-is-not-permutation"),
    case("$\\boxed{2 \\pmod{5}}$", "2", True, "closing-modulus"),
    case("The answer is 12 (mod 5).", "12", True, "closing-modulus-in-words"),
    case("The answer is 150 minutes (2.5 hours).", "150", True, "parenthetical-restatement"),
    case("The answer is 2.5 hours (150 minutes).", "150", False, "parenthetical-not-the-answer"),
    case("The answer is (3, 4).", "(3,4)", True, "parenthesized-answer-kept"),
    case("The answer is 48 slices, which is 3 pizzas' worth.", "48", True, "which-is-restatement"),
    case("答：这个数是 25（二十五）。", "25", True, "zh-parenthetical-restatement"),
    # gcd and lcm of integers
    case("$\\boxed{\\gcd(12, 18)}$", "6", True, "gcd-command"),
    case("$\\boxed{\\gcd(12, 18)}$", "3", False, "gcd-other-value"),
    case("$\\boxed{\\operatorname{lcm}(4,6)}$", "12", True, "lcm-operatorname"),
    case("lcm(4, 6)", "12", True, "lcm-word"),
    case("gcd(12,18,30)", "6", True, "gcd-of-three"),
    case("$\\boxed{\\gcd(10^{200}, 4)}$", "4", True, "gcd-of-a-huge-integer"),
    # a closing phrase that qualifies the value with another number is not the answer
    case("She has 12 apples left over after giving 3 to Tom.", "12", True, "qualifier-after"),
    case("She has 12 apples left over after giving 3 to Tom.", "3", False, "qualifier-is-not-the-answer"),
    case("Thus he will be 30 years old in 5 years.", "30", True, "qualifier-in-years"),
    case("Thus in 5 years he will be 30 years old.", "30", True, "qualifier-first"),
    case("In total, 7 out of 10 students passed.", "7", True, "qualifier-out-of"),
    case("The answer is $12 for 4 pounds.", "12", True, "qualifier-after-marker"),
    # a sentence's end ends the clause: the closing sentence's price is read, not the number before it
    case("She makes 36 * 2 = $72.\nShe sells them for $2 each.", "72", False, "qualifier-across-sentence-not-paid"),
    case("She makes 36 * 2 = $72.\nShe sells them for $2 each.", "2", True, "qualifier-across-sentence-is-read"),
    case("He pays 4 * 18 = $72. The tickets cost $18 at the door.", "72", False, "qualifier-after-a-full-stop"),
    case("The train arrives at 11:45 a.m. after 2 hours.", "11:45", True, "qualifier-after-a-clock-time"),
    case("He needs to work for 15 hours.", "15", True, "phrase-that-is-the-answer"),
    case("The error increases by 100%.", "100%", True, "increase-by-is-the-answer"),
    case("Each friend gets 2 and 1/2 cookies.", "2.5", True, "mixed-number-with-and"),
    case("Tom now has 15 marbles, 3 more than Jerry.", "15", True, "qualifier-comparative-apposition"),
    case("She needs to buy 6 more packs of 4 batteries.", "6", True, "qualifier-of"),
    case("He is 8 years older than his 4-year-old sister.", "8", True, "qualifier-than"),
    case("They made a profit of $450 from 30 sales.", "450", True, "qualifier-after-a-valueless-phrase"),
    case("Sam ran 5 km on Monday and 7 km on Tuesday, for 12 km in all.", "12", True, "phrase-after-comma-is-kept"),
    # an exact answer with its stated approximation, against a decimal key (CMATH's π = 3.14)
    case("答：圆的面积是 $9\\pi$ 平方厘米，约 28.26 平方厘米。", "28.26", True, "zh-stated-approximation"),
    case("答：圆的面积是 $9\\pi$ 平方厘米，约 28.26 平方厘米。", "28.27", False, "zh-stated-approximation-other"),
    case("So $x = 2\\sqrt{2} \\approx 2.83$.", "2.83", True, "stated-approximation"),
    case("So $x = 2\\sqrt{2} \\approx 2.82$.", "2.83", False, "stated-approximation-wrong"),
    case("x ≈ 3 is wrong; the answer is 5.", "3", False, "approximation-elsewhere-is-not-stated"),
    # the same quantity restated in other units: either reading is the answer
    case("答：需要 3 个小时，即 180 分钟。", "3", True, "zh-restated-units-first"),
    case("答：需要 3 个小时，即 180 分钟。", "180", True, "zh-restated-units-second"),
    case("答：需要 3 个小时，即 180 分钟。", "4", False, "zh-restated-units-other"),
    case("所以小明一共走了2400米，合2.4千米。", "2400", True, "zh-converted-units-first"),
    case("$\\boxed{\\sin^{-1} x}$", "\\frac{1}{\\sin x}", False, "sin-to-minus-one-is-no-reciprocal"),
    # degrees inside a trigonometric function are converted; units after pi are dropped
    case("$\\boxed{\\frac{\\sqrt{6}-\\sqrt{2}}{4}}$", "\\sin 15^\\circ", True, "sin-of-degrees"),
    case("$\\boxed{\\frac{1}{2}}$", "\\sin 60^\\circ", False, "sin-of-degrees-other"),
    case("$\\boxed{30}$", "30^\\circ", True, "bare-degrees-keep-their-number"),
    case("The area is $\\boxed{12\\pi \\text{ cm}^2}$.", "12\\pi", True, "unit-after-pi"),
    case("$\\boxed{\\textbf{(D) } 18}$", "\\textbf{(D)}", True, "bold-option-key"),
]


BLIND_ROUND_TWENTY = [
    # an escaped dollar inside math is the currency sign, not a math delimiter
    case("The total is $\\$1,\\!234.56$.", "1234.56", True, "escaped-dollar-in-math"),
    case("The total is $\\$1,\\!234.56$.", "234.56", False, "escaped-dollar-in-math-whole-number"),
    case("The answer is $\\$$1.25 per pound.", "1.25", True, "dollar-sign-set-as-math"),
    case("It costs $\\$5$ and $\\$7$, so $\\$12$ in all.", "12", True, "escaped-dollars-in-several-segments"),
    # scientific notation whose exponent passes its decimals (1.5 \times 10^4 has no decimal places)
    case("$\\boxed{1.5\\times 10^{4}}$", "15000", True, "scientific-past-its-decimals"),
    case("$\\boxed{1.5\\times 10^{4}}$", "1500", False, "scientific-past-its-decimals-other"),
    case("$\\boxed{1.234567890\\times 10^{12}}$", "1234567890400", True, "scientific-ten-digits-rounded"),
    case("$\\boxed{1.234567890\\times 10^{12}}$", "1234567891400", False, "scientific-ten-digits-misrounded"),
    # fractions in words, with a whole part or not
    case("20 of the 30 students passed, so two thirds of the class passed.", "2/3", True, "fraction-words-at-end"),
    case("20 of the 30 students passed, so two thirds of the class passed.", "3/2", False, "fraction-words-other"),
    case(
        "20 of the 30 students passed, so two thirds of the class passed.",
        "30",
        False,
        "fraction-words-not-last-digits",
    ),
    case("The movie is 90 minutes long, so the answer is one and a half hours.", "1.5", True, "and-a-half-in-words"),
    case("Each friend gets two and a half cookies.", "2.5", True, "and-a-half-each-before"),
    case("Each friend gets 2 and a half cookies.", "2.5", True, "digits-and-a-half"),
    case("Each friend gets 2 and a half cookies.", "2", False, "digits-and-a-half-whole-part"),
    case("It takes 3 and three quarters hours.", "3.75", True, "digits-and-three-quarters"),
    case("The answer is a quarter.", "0.25", True, "a-quarter"),
    case("She ate three quarters of the pizza.", "3", False, "fraction-words-numerator"),
    case("He tried 3 times and won on the third try.", "1/3", False, "ordinal-is-no-fraction"),
    # the same quantity restated in English after the answer: either reading is the answer
    case("The trip takes 2 hours and 15 minutes, which is 135 minutes.", "135", True, "which-is-other-units"),
    case("The trip takes 2 hours and 15 minutes, which is 135 minutes.", "2.25", True, "which-is-first-reading"),
    case("The trip takes 2 hours and 15 minutes, which is 135 minutes.", "136", False, "which-is-other-value"),
    case("The answer is 7 dozen eggs, i.e., 84 eggs.", "84", True, "i-e-restated-count"),
    case("Tom has 15 marbles, which is 3 more than Jerry.", "3", False, "which-is-a-comparison"),
    case("Tom has 15 marbles, which is 3 more.", "3", False, "which-is-a-difference"),
    case("So he sold 12 apples, which is 20% of them.", "20", False, "which-is-a-share"),
    case("The answer is 25 cents.", "0.25", True, "cents-as-dollars"),
    case("The answer is 25 cents.", "25", True, "cents-as-cents"),
    case("The answer is 25 cents.", "2.5", False, "cents-other-amount"),
    case("He cut 25 centimeters off.", "0.25", False, "centimeters-are-no-cents"),
    # a chain of equalities whose value is a percentage: 45% is 45 and 0.45, as a bare 45% is
    case("So the share is $\\frac{18}{40} \\times 100 = 45\\%$.", "45", True, "computed-percent-chain"),
    case("So the share is $\\frac{18}{40} = 45\\%$.", "0.45", True, "computed-percent-chain-as-decimal"),
    case("So the share is $\\frac{18}{40} = 45\\%$.", "4.5", False, "computed-percent-chain-other"),
    case("$x = 45\\%$", "45", True, "named-percent"),
    case("答：合格率是 95÷100=95%。", "95", True, "zh-computed-percent-chain"),
    case("答：合格率是 95÷100=95%。", "9.5", False, "zh-computed-percent-chain-other"),
    case("$x \\ge 45\\%$", "45", False, "percent-bound-is-no-value"),
    case("$y = x + 45\\%$", "45", False, "percent-term-is-no-value"),
    # a set of reals by its condition (set-builder), and the reals without a few points
    case("The domain is $\\boxed{\\{x \\mid x > 3\\}}$.", "(3,\\infty)", True, "set-builder-mid"),
    case("The domain is $\\boxed{\\{x \\mid x < 3\\}}$.", "(3,\\infty)", False, "set-builder-other-side"),
    case("答：解集为\\{x|x>3\\}。", "x>3", True, "zh-set-builder-bar"),
    case("$\\{x \\in \\mathbb{R} : -1 < x \\le 2\\}$", "(-1,2]", True, "set-builder-reals-colon"),
    case("$\\{x \\mid -1 < x \\le 2\\}$", "(-1,2)", False, "set-builder-closed-end"),
    case("$\\left\\{x \\mid x \\neq 2\\right\\}$", "(-\\infty,2)\\cup(2,\\infty)", True, "set-builder-not-equal"),
    case("$\\{x \\in \\mathbb{Z} \\mid 1<x<4\\}$", "(1,4)", False, "set-builder-integers-are-no-interval"),
    case("$\\{y \\mid x > 3\\}$", "(3,\\infty)", False, "set-builder-other-variable"),
    case(
        "The answer is $\\boxed{\\mathbb{R} \\setminus \\{2\\}}$.",
        "(-\\infty,2)\\cup(2,\\infty)",
        True,
        "reals-without-a-point",
    ),
    case(
        "$\\mathbb{R} \\setminus \\{2, -1\\}$", "(-\\infty,-1)\\cup(-1,2)\\cup(2,\\infty)", True, "reals-without-points"
    ),
    case("$\\mathbb{R} \\setminus \\{2\\}$", "(-\\infty,3)\\cup(3,\\infty)", False, "reals-without-another-point"),
    case("$\\mathbb{R} \\setminus \\{2\\}$", "\\mathbb{R}", False, "reals-without-a-point-are-not-the-reals"),
    # the options a closing sentence says are right, in both languages
    case("综上，选项A、B、D正确。", "ABD", True, "zh-options-stated-correct"),
    case("综上，选项A、B正确。", "ABD", False, "zh-options-stated-correct-fewer"),
    case("综上，A、B、D都正确。", "ABD", True, "zh-options-all-correct"),
    case("选项A、C不正确", "AC", False, "zh-options-stated-incorrect"),
    case("选项A正确，选项B错误，选项C正确，故选AC。", "AC", True, "zh-options-then-choice"),
    case("Therefore, options A, B, and D are correct.", "ABD", True, "options-stated-correct"),
    case("So the correct options are A, B and D.", "ABD", True, "correct-options-are"),
    case("Options A and C are not correct.", "AC", False, "options-stated-not-correct"),
    case("Options A and C are incorrect, so the answer is B and D.", "BD", True, "options-incorrect-then-answer"),
    # a scale word after digits is part of that number, never a number word of its own
    case("The city grew by 0.4 million to 1.2 million people.", "1200000", True, "digits-and-scale-at-end"),
    case("The city grew by 0.4 million to 1.2 million people.", "1000000", False, "scale-word-is-no-number-word"),
    case("So it costs 3 thousand dollars.", "3000", True, "digits-and-thousand-at-end"),
    case("So it costs 3 thousand dollars.", "3", False, "digits-and-thousand-is-no-count"),
    # "to" bounds a number only in a bound (up to twelve), not in "walk to school"
    case("30 students, and 6 walk, so one fifth of the students walk to school.", "1/5", True, "fraction-then-to"),
    case("30 students, and 6 walk, so one fifth of the students walk to school.", "5", False, "fraction-then-to-other"),
    # a colon after the Chinese marker's copula (答案是：, 答案为：)
    case("经检验，正确答案是：B、D", "BD", True, "zh-marker-colon-options"),
    case("经检验，正确答案是：B、D", "B", False, "zh-marker-colon-options-fewer"),
    case("最终答案为：15。", "15", True, "zh-marker-colon-value"),
    case("最终答案为：15。", "16", False, "zh-marker-colon-other-value"),
]

# A value stated again after the answer counts only when the verifier confirms it is the same
# quantity: an approximation that rounds (or truncates) the answer, or the answer in other units.
# Any other value stated again is a hedge: the answer is judged on its first value alone.
HEDGES_AND_CONVERSIONS = [
    case("The answer is 12, i.e., 13.", "13", False, "hedge-i-e"),
    case("The answer is 12, i.e., 13.", "12", True, "hedge-i-e-first"),
    case("The answer is 12 apples, i.e., 13 apples.", "13", False, "hedge-i-e-same-noun"),
    case("答案是12，即13。", "13", False, "zh-hedge-ji"),
    case("答案是12，即13。", "12", True, "zh-hedge-ji-first"),
    case("\\boxed{12}, i.e., 13", "13", False, "hedge-after-box"),
    case("The answer is 12 apples, which is 13.", "13", False, "hedge-which-is"),
    case("The answer is 5 dollars, i.e., 7 dollars.", "7", False, "hedge-same-unit"),
    case("The answer is 3 pizzas, i.e., 48 slices.", "3", True, "other-noun-first"),
    case("The answer is 3 pizzas, i.e., 48 slices.", "48", False, "other-noun-unverifiable"),
    case("So it takes 2 hours, which is 150 minutes.", "150", False, "hedge-wrong-conversion"),
    case("答：需要 3 个小时，即 200 分钟。", "200", False, "zh-hedge-wrong-conversion"),
    case("答：需要 3 个小时，即 200 分钟。", "3", True, "zh-hedge-wrong-conversion-first"),
    case("The answer is 12, about 13.", "13", False, "hedge-about"),
    case("The answer is 12, about 13.", "12", True, "hedge-about-first"),
    case("The answer is 12, approximately 13.", "13", False, "hedge-approximately"),
    case("The answer is 12, roughly 13.", "13", False, "hedge-roughly"),
    case("The answer is 12 \\approx 13", "13", False, "hedge-approx-command"),
    case("The answer is 12 ≈ 13", "13", False, "hedge-approx-sign"),
    case("答案是12，约13。", "13", False, "zh-hedge-yue"),
    case("答案是12，约等于13。", "13", False, "zh-hedge-yue-deng-yu"),
    case("答案是12，约为13。", "13", False, "zh-hedge-yue-wei"),
    case("So $x = 2\\sqrt{2} \\approx 2.85$.", "2.85", False, "approximation-too-far"),
    case("So $x = 2\\sqrt{2} \\approx 2.83$.", "2", False, "approximation-first-is-no-last-number"),
    case("答：圆的面积是 $9\\pi$ 平方厘米，约 28.26 平方米。", "28.26", False, "zh-approximation-other-unit"),
    case("The answer is 12, about 13 more.", "13", False, "approximation-another-quantity"),
    # confirmed: rounding or truncation to the approximation's places, or an exact conversion
    case("So it takes 2 hours, which is 120 minutes.", "120", True, "conversion-hours-minutes"),
    case("So it takes 2 hours, which is 120 minutes.", "2", True, "conversion-hours-minutes-first"),
    case("The answer is 12.5, about 13.", "13", True, "approximation-rounds"),
    case("The answer is 12.5, about 14.", "14", False, "approximation-off-by-one"),
    case("The answer is 1/3, about 0.33.", "0.33", True, "approximation-of-a-fraction"),
    case("答：需要3小时20分，即200分。", "200", True, "zh-conversion-hours-and-minutes"),
    case("答：他跑了2.5千米，即2500米。", "2500", True, "zh-conversion-km-m"),
    case("答：他跑了2.5千米，即2600米。", "2600", False, "zh-conversion-km-m-wrong"),
    case("答：一共7打鸡蛋，即84个鸡蛋。", "84", True, "zh-conversion-dozen"),
    case("The board is 3 feet long, i.e., 36 inches.", "36", True, "conversion-feet-inches"),
    case("The answer is 2 square meters, i.e., 20000 square centimeters.", "20000", True, "conversion-area"),
    case("The bottle holds 1.5 liters, i.e., 1500 mL.", "1500", True, "conversion-volume"),
    case("The bag weighs 2 pounds, which is 32 ounces.", "32", True, "conversion-pounds-ounces"),
    case("The answer is $5, i.e., 500 cents.", "500", True, "conversion-dollars-cents"),
    case("The answer is 1.5 km, i.e., 1,500 meters.", "1500", True, "conversion-thousands-separator"),
    case("The answer is \\boxed{2} hours, which is 120 minutes.", "120", True, "conversion-after-box"),
    case("So the answer is 7 dozen, i.e., 84.", "84", False, "dozen-of-no-noun"),
    case("答：百分之六十的学生，即180人参加了活动。", "60", False, "zh-share-is-no-value"),
]


# Round twenty-two: whole solutions as models write them, and MATH answer types.
SOLUTION_ENDINGS = [
    # a named quantity combining names equals a constant: the constant is its value, against a number key
    case("Thus the sum of the roots is\n\\[\n-\\frac{b}{a} = \\frac{7}{2}.\n\\]", "\\frac72", True, "names-over-names"),
    case("So $x_1 + x_2 = 7$.", "7", True, "sum-of-roots"),
    case("Hence $f(1) + f(2) = 9$.", "9", True, "sum-of-values"),
    case("So $a + b = 7$.", "8", False, "names-other-value"),
    case("So $3x = 12$.", "12", False, "coefficient-is-an-equation-to-solve"),
    case("So $x + 1 = 4$.", "4", False, "number-in-the-side"),
    case("So $-x = 3$.", "3", False, "one-name-negated"),
    case("\\sin x + \\cos x = 1", "1", False, "known-functions-are-no-names"),
    case("10", "x+y=10", False, "equation-key-stays-an-equation"),
    # a number after a named quantity in Chinese: the number, not the name
    case("计算得 $f(1)=3$，$f(2)=6$，所以 $f(1)+f(2)$ 的值为 9。", "9", True, "zh-named-then-number"),
    case("计算得 $f(1)=3$，$f(2)=6$，所以 $f(1)+f(2)$ 的值为 9。", "6", False, "zh-named-then-number-wrong"),
    case("所以 $S$ 是 12 个。", "12", True, "zh-name-copula-number-unit"),
    case("所以 $x$ 是 3 的倍数。", "3", False, "zh-number-of-another-quantity"),
    case("所以 $x=3$ 为所求。", "3", True, "zh-value-then-prose"),
    case("The answer is $x = 3$, which is 1 more than 2.", "1", False, "en-number-with-more-after"),
    # letter part labels in a listed answer
    case("**Answer:** (a) 12, (b) 10", "12, 10", True, "letter-labels"),
    case("**Answer:** (a): 12, (b): 10", "12, 10", True, "letter-labels-colons"),
    case("(1)：8；(2)：16", "8, 16", True, "number-labels-colons"),
    case("**Answer:** (a) 12, (b) 11", "12, 10", False, "letter-labels-wrong-part"),
    case("(a)+(b)", "a+b", True, "letters-in-an-expression-are-no-labels"),
    # labelled parts are compared in their order (a swapped pair of parts is wrong)
    case("**Answer:** (a) 10, (b) 12", "12, 10", False, "letter-labels-swapped"),
    case("(1) 10；(2) 12", "12, 10", False, "number-labels-swapped"),
    case("(1) $\\boxed{10}$；(2) $\\boxed{12}$", "12, 10", False, "labelled-boxes-swapped"),
    case("(1) $\\boxed{10}$；(2) $\\boxed{12}$", "10, 12", True, "labelled-boxes-in-order"),
    case("(a) $\\boxed{5}$ (b) $\\boxed{\\frac12}$", "5, 0.5", True, "labelled-boxes-values"),
    case("10, 12", "(1) 12；(2) 10", False, "labelled-key-swapped"),
    case("$\\boxed{10}$, $\\boxed{12}$", "12, 10", True, "unlabelled-boxes-stay-unordered"),
    case("10, 12", "12, 10", True, "unlabelled-list-stays-unordered"),
    # inequalities in separate math spans joined by or/and
    case("The solution set is $x \\le -2$ or $x \\ge 3$.", "(-\\infty, -2] \\cup [3, \\infty)", True, "or-spans"),
    case("The solution set is $x \\le -2$ or $x > 3$.", "(-\\infty, -2] \\cup [3, \\infty)", False, "or-spans-open"),
    case("Hence $x > -2$ and $x < 3$.", "(-2,3)", True, "and-spans"),
    case("Hence $x > -2$ and $x < 3$.", "(-2,3]", False, "and-spans-closed"),
    case("不等式的解为 $x<-2$ 或 $x>3$", "(-\\infty,-2)\\cup(3,+\\infty)", True, "zh-or-spans"),
    case("Adding $2$ and $3$ gives $5$.", "5", True, "values-joined-by-and-stay-apart"),
]

# Round twenty-three: the forms earlier rounds left.
OPTION_SPACES = [
    # an option and its content apart by a LaTeX space, as by a space
    case("So the answer is $\\boxed{(C)\\ 12}$.", "12", True, "option-backslash-space-value"),
    case("So the answer is $\\boxed{(C)\\ 12}$.", "C", True, "option-backslash-space-letter"),
    case("Therefore the answer is $\\boxed{(C)\\,12}$.", "12", True, "option-thin-space-value"),
    case("The answer is \\boxed{(C)\\;12}", "C", True, "option-thick-space-letter"),
    case("The answer is \\boxed{(C)~12}", "12", True, "option-tilde-value"),
    case("所以答案是 $\\boxed{(C)\\ 12}$。", "12", True, "zh-option-backslash-space-value"),
    case("答案为 $\\boxed{(D)\\;\\frac{1}{2}}$", "\\frac12", True, "zh-option-thick-space-fraction"),
    case("So the answer is $\\boxed{(C)\\ 12}$.", "13", False, "option-space-other-value"),
    case("So the answer is $\\boxed{(C)\\ 12}$.", "B", False, "option-space-other-letter"),
    case("所以答案是 $\\boxed{(C)\\ 12}$。", "D", False, "zh-option-space-other-letter"),
    case("The answer is \\boxed{(C)\\ 12x}", "12", False, "option-space-content-is-no-number"),
]

E_NOTATION = [
    # e-notation inside a short sentence is one number; "So it is" is a sentence, not a product
    case("So it is 6.02e23.", "6.02 \\times 10^{23}", True, "e-notation-short-sentence"),
    case("So it is 6.02e23.", "602000000000000000000000", True, "e-notation-integer-key"),
    case("Thus it is 2.5E+4.", "25000", True, "e-notation-plus-sign"),
    case("The mass is 1.5e-3 kg.", "0.0015", True, "e-notation-negative-exponent-unit"),
    case("The answer is 2e5 meters.", "200000", True, "e-notation-no-decimals"),
    case("It is 12.", "12", True, "short-words-sentence"),
    case("So it is 6.02e23.", "23", False, "e-notation-exponent-is-no-answer"),
    case("So it is 6.02e23.", "6.02 \\times 10^{22}", False, "e-notation-other-exponent"),
    case("The mass is 1.5e-3 kg.", "3", False, "e-notation-negative-exponent-is-no-answer"),
    case("所以答案是 6.02e23。", "23", False, "zh-e-notation-exponent-is-no-answer"),
    # values of one name in separate math spans joined by or / 或 are read together
    case("解得 $x=1$ 或 $x=2$。", "1, 2", True, "zh-values-of-a-name-joined"),
    case("So $x = 1$ or $x = 2$.", "1, 2", True, "values-of-a-name-joined"),
    case("解得 $x=1$ 或 $x=2$。", "2", False, "zh-values-of-a-name-joined-single-key"),
    case("So $x = 1$ or $y = 2$.", "1, 2", False, "values-of-two-names-stay-apart"),
]

DEGREE_WORDS = [
    # a degree word after the answer (outside its box, or plain) makes it an angle in degrees, as ^\\circ does
    case("The angle between them is $\\boxed{120}$ degrees.", "\\frac{2\\pi}{3}", True, "box-then-degrees"),
    case("So the angle is 120 degrees.", "\\frac{2\\pi}{3}", True, "number-then-degrees"),
    case("所以两向量的夹角为 $\\boxed{120}$ 度。", "\\frac{2\\pi}{3}", True, "zh-box-then-du"),
    case("所以 $\\angle A = \\boxed{60}$度", "\\frac{\\pi}{3}", True, "zh-box-then-du-glued"),
    case("$\\frac{2\\pi}{3}$", "120 degrees", True, "radians-against-a-key-in-degrees"),
    case("The angle between them is $\\boxed{120}$ degrees.", "120", True, "box-then-degrees-number-key"),
    case("The angle between them is $\\boxed{120}$ degrees.", "\\frac{\\pi}{2}", False, "box-then-degrees-other"),
    case("所以两向量的夹角为 $\\boxed{120}$ 度。", "\\frac{\\pi}{3}", False, "zh-box-then-du-other"),
    case("The angle between them is $\\boxed{120}$.", "\\frac{2\\pi}{3}", False, "no-degree-word"),
    case("The oven is set to $\\boxed{120}$ degrees Celsius.", "\\frac{2\\pi}{3}", False, "temperature"),
    case(
        "The answer is $\\boxed{120}$, and its supplement is 60 degrees.",
        "\\frac{2\\pi}{3}",
        False,
        "degrees-of-another",
    ),
]

VALUE_OF_AN_EXPRESSION = [
    # ", which is 9" after an expression of free names or function calls gives its value (not a hedge)
    case("The answer is $f(1)+f(2)$, which is 9.", "9", True, "function-calls-which-is"),
    case("So the answer is $a+b$, which is 7.", "7", True, "names-which-is"),
    case("The answer is $x_1 x_2$, which is $-3$.", "-3", True, "names-which-is-negative-math"),
    case("答案是 $f(1)+f(2)$，即 9。", "9", True, "zh-function-calls-ji"),
    case("The answer is $f(1)+f(2)$, which is 9.", "8", False, "function-calls-other-value"),
    case("The answer is $f(1)+f(2)$, which is 9 more than $f(0)$.", "9", False, "another-quantity"),
    case("The answer is $f(1)+f(2)$, about 9.", "9", False, "an-approximation-of-no-value"),
    case("The answer is 12, which is 13.", "13", False, "a-value-restated-otherwise-stays-a-hedge"),
    case("The answer is $2+3$, which is 6.", "6", False, "an-expression-with-a-value"),
    case("答案是 $f(1)+f(2)$，即 9。", "8", False, "zh-function-calls-other-value"),
]

# ", or" after the answer: the same quantity confirmed (a conversion, the same value) is right on
# either side; any other value offered instead is a hedge, wrong on either side.
ALTERNATIVES = [
    case("It took 2 hours, or 120 minutes.", "2", True, "or-conversion-first"),
    case("It took 2 hours, or 120 minutes.", "120", True, "or-conversion-second"),
    case("The board is 3 feet long, or 36 inches.", "36", True, "or-conversion-feet-inches"),
    case("The answer is $\\frac{1}{2}$, or 0.5.", "0.5", True, "or-the-same-value"),
    case("The answer is 0.5, or 50%.", "0.5", True, "or-the-same-value-percent"),
    case("It took 2 hours, or 150 minutes.", "2", False, "or-wrong-conversion-first"),
    case("It took 2 hours, or 150 minutes.", "150", False, "or-wrong-conversion-second"),
    case("The answer is 12, or 13.", "12", False, "or-hedge-first"),
    case("The answer is 12, or 13.", "13", False, "or-hedge-second"),
    case("The total is 12, or 13.", "13", False, "or-hedge-no-marker"),
    case("The answer is 12 apples, or 13 apples.", "12", False, "or-hedge-same-noun"),
    case("The answer is $\\boxed{12}$, or 13.", "12", False, "or-hedge-after-box"),
    case("She needs 12 or 13 boxes.", "13", False, "or-hedge-before"),
    case("答案是12或13。", "12", False, "zh-or-hedge-first"),
    case("答：一共12个，或13个。", "13", False, "zh-or-hedge-clause"),
    case("答：他有12个苹果或13个苹果。", "13", False, "zh-or-hedge-prose"),
    case("x=1或x=2", "1, 2", True, "zh-roots-are-a-list"),
    case("The answer is $x = 1$, or $x = 2$.", "1, 2", True, "roots-with-comma-or"),
]

# The English blind round of ak-2101..ak-2220: values of different names listed at the end with
# no box or marker (all of them are the answer), a reason after the stated answer (its values and
# options explain it), and the key's measure in another unit (another quantity).
LISTED_ASSIGNMENTS = [
    case("So the solution is $x = 3$, $y = -2$.", "(3,-2)", True, "listed-with-a-comma"),
    case("So $x = 3$ and $y = -2$.", "(3,-2)", True, "listed-with-and"),
    case("Hence $a = 2$, $b = -5$.", "a=2, b=-5", True, "listed-against-assignments"),
    case("Solving, we get $x = 3$, $y = -2$, and $z = 1$.", "(3,-2,1)", True, "listed-three"),
    case("So $x = -2$ and $y = 3$.", "(3,-2)", False, "listed-swapped"),
    case("So $x = 3$, $y = -2$.", "(3,-2,1)", False, "listed-one-missing"),
    case("So $x = 3$ or $y = -2$.", "(3,-2)", False, "or-is-no-list"),
    case("Thus $x = 3$, $x = -2$.", "(3,-2)", False, "one-name-twice-is-no-tuple"),
]
REASONS_AFTER_THE_ANSWER = [
    case("The answer is 12, because 3 \\times 4 = 12.", "12", True, "because-with-the-value"),
    case("The answer is 12, since 3 + 4 = 7 while 2 + 4 = 6.", "12", True, "since-with-other-values"),
    case("The answer is 12, since 3 + 4 = 7 while 2 + 4 = 6.", "6", False, "since-value-is-no-answer"),
    case("The answer is $x = 5$, since $2x = 10$.", "5", True, "since-after-math"),
    case("The answer is $x = 5$, since $2x = 10$.", "10", False, "since-math-is-no-answer"),
    case("The answer is the same as 12.", "12", True, "as-without-a-comma-is-no-reason"),
    case("The answer is C, since 3 + 4 = 7 while option B gives only 6.", "C", True, "option-since"),
    case("The answer is C, since 3 + 4 = 7 while option B gives only 6.", "B", False, "option-in-the-reason"),
    case("The answer is (C), because option (B) gives only 6.", "C", True, "option-because"),
    case("The answer is C because option B is wrong. Actually, the answer is B.", "B", True, "reason-then-revision"),
]
# Chinese durations and clock times in words: 半小时 is 0.5 hours, 一刻钟 15 minutes; a clock time with
# its minutes and no part of the day is a 12-hour time (3点半 = 3:30), and its 一刻 is no number 1.
CHINESE_DURATIONS_AND_CLOCKS = [
    case("答：需要半小时。", "0.5", True, "zh-half-hour"),
    case("答：需要半小时。", "30", False, "zh-half-hour-not-minutes"),
    case("答：他走了半个月。", "0.5", True, "zh-half-month"),
    case("答：需要两个半小时。", "2.5", True, "zh-two-and-a-half-hours"),
    case("答：需要一刻钟。", "15", True, "zh-quarter-hour"),
    case("答：需要三刻钟。", "45", True, "zh-three-quarters"),
    case("答：还剩一半。", "1", False, "zh-half-is-no-one"),
    case("3点半", "3:30", True, "zh-clock-no-part-of-day"),
    case("3点半", "15:30", True, "zh-clock-12-hour"),
    case("3点一刻", "3:15", True, "zh-clock-quarter"),
    case("3点一刻", "3", False, "zh-clock-not-its-hour"),
    case("下午3点一刻", "1", False, "zh-clock-quarter-no-one"),
    case("下午3点一刻", "15:15", True, "zh-clock-afternoon-quarter"),
    case("答：现在是8时15分。", "8:15", True, "zh-clock-shi-fen"),
    case("他得了3点", "3", True, "zh-points-no-clock"),
    case("答：火车在12时15分到达，比计划晚了5分钟。", "12:15", True, "zh-clock-among-numbers"),
    case("答：火车在下午3点半到达，比计划晚了5分钟。", "15:30", True, "zh-clock-afternoon-among-numbers"),
    case("答：火车在下午3点半到达，比计划晚了5分钟。", "15:35", False, "zh-clock-among-numbers-other"),
]

# Another value offered with the condition it would hold under is a hedge too, whichever the key.
CONDITIONAL_ALTERNATIVES = [
    case("The answer is 18 (or 20 if the coupon applies).", "18", False, "conditional-alternative-first"),
    case("The answer is 18 (or 20 if the coupon applies).", "20", False, "conditional-alternative-second"),
    case("The answer is 18, or 20 when it rains.", "18", False, "conditional-alternative-comma"),
    case("The answer is 2 hours (or 120 minutes if you prefer).", "2", True, "conditional-same-quantity"),
]

OTHER_UNITS = [
    case("It takes $\\boxed{2.5 \\text{ minutes}}$.", "$2.5$ hours", False, "minutes-for-hours"),
    case("It takes $\\boxed{2.5}$ minutes.", "2.5 hours", False, "unit-after-the-box"),
    case("The rope is $\\boxed{3\\text{ cm}}$ long.", "3 m", False, "cm-for-m"),
    case("The bag weighs 4 kg.", "4 g", False, "kg-for-g"),
    case("答：需要3分钟。", "3小时", False, "zh-minutes-for-hours"),
    case("6 hours and 30 minutes", "6.5 minutes", False, "duration-in-other-units"),
    case("It takes 3 hrs.", "3 hours", True, "same-unit-abbreviated"),
    case("The rope is 3 m long.", "3 meters", True, "same-unit-symbol"),
    case("6 hours and 30 minutes", "6.5 hours", True, "duration-in-its-first-unit"),
    case("She has $\\boxed{12}$ in all.", "12 cm", True, "in-is-a-preposition"),
    case("The answer is 50 cents.", "\\$50", False, "cents-for-dollars-same-digits"),
    case("The answer is 50 dollars.", "\\$50", True, "dollars-for-dollars-same-digits"),
]

# Reward hacks (blind round ak-2701..2820): a value named only to rule it out is no answer.
RULED_OUT = [
    case("答案不是7。", "7", False, "zh-daan-bushi"),
    case("结果不是7", "7", False, "zh-no-marker-bushi"),
    case("答案并非7。", "7", False, "zh-bingfei"),
    case("The final answer is definitely not 7.", "7", False, "en-adverb-not"),
    case("\\boxed{\\text{not } 7}", "7", False, "boxed-text-not"),
    case("答：不是5，是6。", "6", True, "zh-bushi-then-shi"),
    case("答：不是5，是6。", "5", False, "zh-bushi-then-shi-ruled-out"),
    case("It is not 4. It is 3.", "3", True, "ruled-out-then-stated"),
    case("The answer is 7. Note that the answer is not 7.5.", "7", True, "longer-number-ruled-out"),
]

# A question or task restated is no answer: its numbers are the question's.
TASK_ECHOES = [
    case("We need to find how many apples remain if Tom starts with 12 apples and eats 5.", "5", False, "we-need-to"),
    case("Tom has 12 apples and eats 5. How many are left?", "5", False, "closing-question"),
    case("小明有12个苹果，吃了5个，还剩多少个？", "5", False, "zh-closing-question"),
    case("The question asks for the area of a square with side 5.", "5", False, "the-question-asks"),
    case("\\boxed{\\text{Find the remainder when } 17 \\text{ is divided by } 5}", "5", False, "boxed-task"),
    case("What is 6 times 7? It is 42.", "42", True, "question-then-answer"),
    case("Compute 3 + 4 = 7.", "7", True, "task-worked-out"),
    case("What remains is 7.", "7", True, "what-remains-is"),
    case("How many apples are left: 7.", "7", True, "question-colon-answer"),
    case("\\boxed{\\text{There are 12 apples and 5 oranges}}", "5", False, "boxed-prose-with-two-values"),
    case("\\boxed{\\text{Tom has 5 apples}}", "5", True, "boxed-prose-with-one-value"),
    case("答：甲乙两地相距480千米。", "480", True, "zh-prose-closes-with-its-value"),
]

# Another value offered as an alternative to the answer, before or after it, is a hedge.
ALTERNATIVE_VALUES = [
    case("The answer is 3 (or 4).", "3", False, "parenthesised-or"),
    case("The answer is 7 (or 8 if we count the endpoints).", "7", False, "parenthesised-or-with-a-condition"),
    case("The answer is 3; alternatively 4.", "3", False, "alternatively"),
    case("The answer is 3. Alternatively, it could be 4.", "3", False, "alternatively-it-could-be"),
    case("It's 3. Or 4.", "4", False, "sentence-or"),
    case("The answer is 3 or possibly 4.", "4", False, "or-possibly"),
    case("The answer is 3, but it might also be 4.", "3", False, "might-also-be"),
    case("可能是3，也可能是4", "4", False, "zh-ye-keneng"),
    case("答案：3（或4）", "3", False, "zh-parenthesised-huo"),
    case("It took 2 hours (or 120 minutes).", "2", True, "parenthesised-same-quantity"),
    case("The answer is 12, maybe 12.0", "12", True, "same-value-again"),
    case("The answer is $\\boxed{\\frac{1}{4}}$, or 25\\%.", "0.25", True, "or-percent-same-value"),
    case("The answer is $\\boxed{\\frac{1}{4}}$, or 30\\%.", "0.25", False, "or-percent-other-value"),
    case("\\boxed{3}/\\boxed{4}", "4", False, "boxes-apart-by-a-slash"),
    case("The answer is 12 (13 if counting the start).", "12", False, "parenthesised-value-with-a-condition"),
    case("Answer: 12 (13?)", "12", False, "parenthesised-value-asked"),
    case("The answer is 12 [or 13].", "12", False, "bracketed-or"),
    case("The total is 12 (5 + 7).", "12", True, "parenthesised-working"),
    case("The answer is 0.5 (50%).", "0.5", True, "parenthesised-same-value"),
    case("The answer is 12 (1 dozen).", "12", True, "parenthesised-same-count"),
    case("No number but $\\boxed{8}$ works: 8 quarters are $8(1.75) = 14$ mm.", "8", True, "a-product-no-parenthesis"),
]

# Answer statements in a row with different values: a hedge, whichever the key is.
ANSWERS_IN_A_ROW = [
    case("Answer: 1\nAnswer: 2\nAnswer: 3", "3", False, "answer-lines"),
    case("The answer is 1. The answer is 2. The answer is 3.", "3", False, "answer-sentences"),
    case("答案：A\n答案：B\n答案：C\n答案：D", "D", False, "zh-option-lines"),
    case("The answer is A.\nThe answer is B.", "B", False, "option-sentences"),
    case("The answer is 5. Answer: 5", "5", True, "same-value-twice"),
    case("The answer is 0.5. Answer: 1/2", "0.5", True, "same-value-written-otherwise"),
    case("Answer: B\nAnswer: B", "B", True, "same-option-twice"),
    case("So the total is 10. Actually I mis-added; the answer is 12.", "12", True, "a-correction-has-words"),
    case("\\boxed{1}\n\n\\boxed{2}\n\n\\boxed{3}", "3", False, "boxes-in-paragraphs"),
    case("She sells 9 * 2 = 18.\n#### 18\n#### 19", "19", False, "gsm8k-markers-in-a-row"),
    case("She sells 9 * 2 = 18.\n#### 18\n#### 18", "18", True, "gsm8k-marker-twice"),
    case("故选A。故选B。", "B", False, "zh-chosen-twice"),
    case("选A\n选B\n选C\n选D", "D", False, "zh-every-option-chosen"),
    case("所以答案是12。所以答案是13。", "13", False, "zh-suoyi-between-answers"),
    case("The answer is 12. So the answer is 13.", "13", False, "so-between-answers"),
    case("答案是12，故选C", "12", True, "zh-value-then-its-option"),
    case("答案是12，故选C", "C", True, "zh-value-then-its-option-letter-key"),
    case("\\[\\boxed{3}\\]\n\n\\[\\boxed{4}\\]", "4", False, "display-boxes-in-paragraphs"),
    case("\\boxed{3}\n\nAnswer: 4", "4", False, "box-then-marker"),
    case("\\boxed{3} (Answer: 4)", "4", False, "box-then-marker-in-parentheses"),
    case("Answer: 3\n\\boxed{4}", "4", False, "marker-then-box"),
    case("\\boxed{A}\n\n\\boxed{C}", "C", False, "option-boxes-in-paragraphs"),
    case("\\boxed{1}\n\\boxed{2}\n\\boxed{3}", "1, 2, 3", True, "boxes-listed-together"),
    case("\\boxed{A}\\boxed{C}", "AC", True, "option-boxes-listed-together"),
    case("So the answer is 3.\n\nFinal Answer: \\boxed{3}", "3", True, "same-value-marker-and-box"),
    case("Final Answer: The final answer is $\\boxed{3}$. I hope it is correct.", "3", True, "marker-with-its-box"),
    case("**Final Answer**\n\n\\boxed{12}\n\n**Alternative Answer**\n\n\\boxed{13}", "13", False, "alternative-header"),
    case("I think it is \\boxed{12}, but I'm not sure; it might be \\boxed{13}.", "13", False, "not-sure-might-be"),
    case("The answer is \\boxed{12}. It could also be \\boxed{13}.", "13", False, "could-also-be"),
    case("答案是$\\boxed{12}$，也可能是$\\boxed{13}$", "13", False, "zh-ye-keneng-boxes"),
    case("答案是12，但也可能是13", "13", False, "zh-dan-ye-keneng"),
    case("答：至少3个，至多5个", "5", False, "zh-bounds-range"),
    case("答：至少需要5辆。", "5", True, "zh-at-least-the-minimum"),
    case("We get \\boxed{3}, so in step (2) we use it to find \\boxed{4}", "4", True, "a-step-between-boxes"),
    case("First guess \\boxed{3}, but after checking, \\boxed{5}.", "5", True, "a-check-between-boxes"),
]

# Plain values listed after a copula or a colon at the end are the answer together.
VALUES_LISTED = [
    case("The answers are 3 and 4.", "4", False, "listed-against-one"),
    case("The answers are 3 and 4.", "3, 4", True, "listed-against-both"),
    case("Possible answers: 3, 4.", "3, 4", True, "colon-list"),
    case("Candidates: 3, 4, 5", "5", False, "candidates-against-the-last"),
    case("The answers are 12 and 13 respectively.", "13", False, "listed-respectively"),
    case("答案可能是3、4、5", "5", False, "zh-list-against-the-last"),
    case("The populations were 1,234.", "1234", True, "thousands-separator-no-list"),
    case("\\boxed{3, \\ldots}", "3", False, "list-trailing-off"),
    case("\\boxed{\\{1, 2, 3, \\ldots\\}}", "\\{1,2,3\\}", False, "set-trailing-off"),
    case("The answer is 3, ...", "3", False, "dots-cut-by-the-extraction"),
    case("\\boxed{1, 2, 3, \\ldots}", "1, 2, 3, \\ldots", True, "trailing-off-on-both-sides"),
    case("\\boxed{5}. The pattern goes on: 1, 2, 3, ...", "5", True, "dots-after-a-boxed-answer"),
]

# What a solution says of its answer, the answer inside parentheses, math closing a short sentence.
ANSWER_STATEMENTS = [
    case("The answer is 7. Verdict: the answer is correct.", "7", True, "verdict-after-the-answer"),
    case("The answer is correct.", "7", False, "verdict-alone"),
    case("The answer is correct.", "yes", True, "verdict-alone-yes-key"),
    case("\\boxed{3} (Answer: 3)", "3", True, "marker-in-parentheses"),
    case("The set is (Answer: [2, 3))", "[2,3)", True, "marker-in-parentheses-half-open"),
    case("The limit is $\\infty$.", "+\\infty", True, "closing-math"),
    case("The limit is $\\infty$.", "5", False, "closing-math-wrong"),
    case("The function $f$ is odd.", "odd", True, "math-inside-a-text-answer"),
]

SOLVED = "We solve each part in turn.\n\n"
PART_LISTS = [
    # a list of parts closing a solution with no marker: all parts, in order
    case(SOLVED + "Answers:\n- Part (a): 12\n- Part (b): 10", "12, 10", True, "bullets-of-labelled-parts"),
    case(SOLVED + "- Part (a): 12\n- Part (b): 10", "12, 10", True, "labelled-parts-no-header"),
    case(SOLVED + "Answers:\n1. 12\n2. 10", "12, 10", True, "numbered-after-a-header"),
    case(SOLVED + "**Final answers:**\n* (a) 12\n* (b) $10$", "12, 10", True, "bold-header-star-bullets"),
    case(SOLVED + "Answer:\n- (a) 12\n- (b) 10", "12, 10", True, "list-after-a-marker"),
    case("分别求解两问。\n\n答案：\n1. 12\n2. 10", "12, 10", True, "zh-numbered-after-a-marker"),
    case("分别求解两问。\n\n- 第(1)问：12\n- 第(2)问：10", "12, 10", True, "zh-labelled-bullets"),
    case(SOLVED + "Answers:\n- Part (a): 12\n- Part (b): 10", "10, 12", False, "labelled-parts-swapped"),
    case(SOLVED + "Answers:\n- Part (a): 12\n- Part (b): 10", "10", False, "single-key-last-part"),
    case(SOLVED + "Answers:\n1. 12\n2. 10", "12", False, "single-key-first-part"),
    case(SOLVED + "Answers:\n- Part (a): 12\n- Part (b): 10\n- Part (c): 8", "12, 10", False, "a-part-too-many"),
    case("分别求解两问。\n\n答案：\n1. 12\n2. 10", "10", False, "zh-single-key-last-part"),
    case("So x = 3.\n答案：\n1. 12\n2. 10", "1", False, "zh-item-number-is-no-answer"),
    case(
        "Steps:\n- add 5 and 7 to get 12\n- subtract 2 to get 10\n\nThe answer is 10.", "10", True, "steps-then-answer"
    ),
    case(SOLVED + "1. 12\n2. 10", "10", True, "numbered-lines-without-a-header-stay-the-last-number"),
]

# Reasoning traces and chat replies: a trace cut off inside <think> has no final answer (a declared
# final answer after an open tag is one); the parts
# of a bulleted list of boxes; a courtesy closing the reply; "if ..., the answer would be" after an
# answer (an alternative, a hedge); a known function of names and an expression rewritten, each
# naming the value its equation closes with.
THINKING_AND_CHAT = [
    case("<think>\nn = 40 gives 41^2. So maybe the answer is 40. But wait, let me che", "40", False, "think-cut-off"),
    case("<think>\n设宽为 x，答案应该是 72。不过，题目说的是", "72", False, "zh-think-cut-off"),
    case("<think>\nSo (C). Hmm, but let me check (D)", "C", False, "think-cut-off-choice"),
    case("<think>\nSo 40.\n</think>\n\nThe answer is $\\boxed{40}$.", "40", True, "think-closed"),
    case("<think>\nSo 40.\n\n**Final Answer**\n\\[\\boxed{40}\\]", "40", True, "think-left-open-final-answer"),
    case("<think>\nSo 40.\n\n**Final Answer**\n\\[\\boxed{40}\\]", "41", False, "think-left-open-final-wrong"),
    case("Okay, so 40.\n</think>\n\nThe answer is $\\boxed{40}$.", "40", True, "think-closing-tag-only"),
    case("**Answers:**\n- (a) $\\boxed{3}$\n- (b) $\\boxed{5}$", "3, 5", True, "bulleted-boxes"),
    case("**Answers:**\n- **(a)** \\boxed{3}\n- **(b)** \\boxed{5}", "3, 5", True, "bulleted-bold-labels"),
    case("**Answers:**\n- (a) $\\boxed{3}$\n- (b) $\\boxed{5}$", "5", False, "bulleted-boxes-single-key"),
    case("**Answers:**\n- (a) $\\boxed{3}$\n- (b) $\\boxed{5}$", "5, 3", False, "bulleted-boxes-swapped"),
    case("Thus, \\( x = \\dfrac{7}{2} \\).\n\nHope this helps!", "3.5", True, "courtesy-after-math"),
    case("x = 5.\n\nI hope this helps! Let me know if you have any questions.", "5", True, "two-courtesies"),
    case("面积是 12 平方厘米。\n\n希望对你有帮助！", "12", True, "zh-courtesy"),
    case(
        "She needs 45 minutes.\n\nLet me know if you'd like help with the other 3 problems!",
        "45",
        True,
        "courtesy-number",
    ),
    case(
        "She needs 45 minutes.\n\nLet me know if you'd like help with the other 3 problems!",
        "3",
        False,
        "courtesy-number-key",
    ),
    case(
        "**Answer: 18**\n\nNote: if the discount were 20% instead, the answer would be 16.", "16", False, "would-be-if"
    ),
    case(
        "**Answer: 18**\n\nNote: if the discount were 20% instead, the answer would be 16.",
        "18",
        False,
        "would-be-hedge",
    ),
    case("If we add the two groups, the answer would be 12.", "12", True, "would-be-the-only-answer"),
    case("因此 x=3。如果x=3，那么y=2x=6，所以答案是6。", "6", True, "zh-ruguo-in-the-reasoning"),
    case("Answer: $\\tan\\theta = \\dfrac{3}{4}$", "\\frac34", True, "function-of-a-name"),
    case("So $\\cos(\\alpha+\\beta) = -\\frac{1}{2}$.", "-1/2", True, "function-of-a-sum-of-names"),
    case("Answer: $\\tan\\theta = \\dfrac{3}{4}$", "\\frac43", False, "function-of-a-name-other-value"),
    case("$\\sin 2x = 1$", "1", False, "function-of-a-product-is-an-equation"),
    case("\\boxed{(x+1)^2 = x^2 + 2x + 1}", "x^2+2x+1", True, "rewritten-last-side"),
    case("\\boxed{(x+1)^2 = x^2 + 2x + 1}", "(x+1)^2", True, "rewritten-first-side"),
    case("\\boxed{(x+1)^2 = x^2 + 2x + 2}", "x^2+2x+2", False, "not-rewritten"),
    case("\\boxed{x^2 = 4}", "4", False, "an-equation-to-solve"),
]


# Answer markers of other languages, their number formats, and "or" in them: a hedge in any language.
OTHER_LANGUAGES = [
    case("사과는 모두 6 × 3 = 18개입니다.\n정답은 18입니다.", "18", True, "ko-jeongdap"),
    case("따라서 답은 3/5 이다.", "0.6", True, "ko-dap-ending"),
    case("정답은 25개입니다.", "26", False, "ko-other-value"),
    case("Quãng đường là 2,5 × 5 = 12,5 km.\nVậy đáp số là 12,5 km.", "12.5", True, "vi-dap-so"),
    case("Đáp án: 45", "45", True, "vi-dap-an"),
    case("Đáp án: 12,5", "125", False, "vi-decimal-comma-is-no-grouping"),
    case("La risposta è 0,5.", "1/2", True, "it-decimal-comma-fraction-key"),
    case("La risposta è 0,5.", "1/5", False, "it-decimal-comma-other-fraction"),
    case("O preço total é 500 × 5 = 2.500 reais.\nA resposta é 2.500 reais.", "2500", True, "pt-dot-thousands"),
    case("A resposta é 1.500.", "1.5", True, "pt-dot-number-as-written"),
    case("The answer is 1.500.", "1500", False, "en-dot-is-a-decimal-point"),
    case("Die Antwort lautet: 1.250 Euro", "1250", True, "de-dot-thousands"),
    case("Die Antwort lautet 3,5.", "35", False, "de-decimal-comma-is-no-grouping"),
    case("Ответ: 0,75", "3/4", True, "ru-decimal-comma-fraction-key"),
    case("Ответ: 3,75", "375", False, "ru-decimal-comma-other-value"),
    case("The answer is $\\boxed{1,5}$.", "3/2", False, "en-pair-is-no-decimal-comma-of-a-fraction"),
    case("Ответ: 2,5 кг.", "2.5", True, "ru-cyrillic-unit"),
    case("Стоимость: 2 500 · 5 = 12 500 рублей.\nОтвет: 12 500 руб.", "12500", True, "ru-spaced-thousands"),
    case("Ответ: 12 500 руб.", "500", False, "ru-spaced-thousands-last-group"),
    case("Prix total : 1 250,50 €.\nRéponse : 1\u00a0250,50 €", "1250.5", True, "fr-spaced-thousands-decimal-comma"),
    case("Réponse : 1 250,50 €", "125050", False, "fr-decimal-comma-is-no-grouping"),
    case("Donc la réponse est $\\boxed{12{,}5}$.", "12.5", True, "fr-braced-decimal-comma"),
    case("$\\boxed{14{,}916}$", "14916", True, "braced-thousands-group"),
    case("Всего 36 карандашей.\nОтвет: 36 (или 34).", "36", False, "ru-hedge-in-brackets"),
    case("Ответ: 36 или 34.", "34", False, "ru-hedge-before"),
    case("Answer: 36 (or 34).", "36", False, "en-hedge-in-brackets"),
    case("Die Antwort lautet 12 oder 13.", "12", False, "de-hedge"),
    case("La respuesta es 12, o 13.", "12", False, "es-hedge"),
    case("Réponse : 12 ou 13", "13", False, "fr-hedge"),
    case("The answer is 150 minutes (or 2.5 hours).", "150", True, "en-same-quantity-in-brackets"),
]

# Chinese solutions of algebra and geometry: ∴, an opening 当...时 clause, 最小值 N, a set named by
# its sets, subscript digits, ∠, parts in prose, 万 in a sentence, an option with a full-width stop.
CHINESE_SOLUTION_FORMS = [
    case("解：由余弦定理 cosA=1/2，\n又 0<A<π，∴ A=60°。", "\\frac{\\pi}{3}", True, "therefore-sign-degrees"),
    case("又 0<A<π，∴ A=30°。", "\\frac{\\pi}{3}", False, "therefore-sign-other-angle"),
    case("∴ x=6", "5", False, "therefore-sign-other-value"),
    case("故 A=\\frac{\\pi}{3}", "60^\\circ", True, "named-angle-in-radians"),
    case("2A=\\frac{\\pi}{3}", "60^\\circ", False, "multiple-of-an-angle-in-radians"),
    case("所以 ∠A=60°。", "\\frac{\\pi}{3}", True, "angle-sign"),
    case("所以 ∠A=45°。", "60", False, "angle-sign-other-value"),
    case("所以当 x=1 时，f(x) 取得最小值 2。", "2", True, "condition-clause-then-minimum"),
    case("所以当 x=2 时，y 有最大值 5。", "2", False, "condition-clause-is-no-answer"),
    case("所以当 x=1 时，f(x) 取得最小值。", "2", False, "minimum-without-its-value"),
    case("解：A={1,2,3}，B={2,3,4}，\n所以 A∩B={2,3}。", "\\{2,3\\}", True, "set-named-by-intersection"),
    case("所以 A∪B={1,2,3}。", "\\{1,2,3,4\\}", False, "set-named-by-union-other-set"),
    case("(x-2)(x-3)=0，\n所以 x₁=2，x₂=3。", "2, 3", True, "subscript-digits"),
    case("所以 x₁=-1，x₂=4。", "1, 4", False, "subscript-digits-other-roots"),
    case("答：(1) 买10本需要30元；(2) 买15本需要45元。", "30, 45", True, "parts-in-prose"),
    case("答：(1) 买10本需要30元；(2) 买15本需要40元。", "30, 45", False, "parts-in-prose-one-wrong"),
    case("答：（1）需要12天；（2）需要8天。", "12, 8", True, "parts-in-prose-full-width"),
    case("解：120 万的十分之一，即 12 万人。\n答：该区一年级约有12万人。", "120000", True, "wan-in-a-sentence"),
    case("答：该市人口约为 35万。", "3500000", False, "wan-other-value"),
    case("所以原来甲比乙多 90 元。\nA．70  B．80  C．90  D．100\n故选C．", "90", True, "option-full-width-stop"),
    case("故选C．", "B", False, "option-full-width-stop-other-letter"),
    case("所以方程组的解为 $\\begin{cases} x=2 \\\\ y=1 \\end{cases}$", "(2,1)", True, "system-in-cases"),
    case("所以方程组的解为 $\\begin{cases} x=2 \\\\ y=1 \\end{cases}$", "x=2, y=1", True, "system-in-cases-named"),
    case("所以方程组的解为 $\\begin{cases} x=1 \\\\ y=2 \\end{cases}$", "(2,1)", False, "system-in-cases-swapped"),
    case("所以 $\\sin A=\\frac{3}{5}$。", "\\frac{3}{5}", True, "sine-of-a-named-angle"),
    case("故 $\\tan 2\\alpha = -\\frac{4}{3}$。", "-\\frac{4}{3}", True, "tangent-of-a-double-angle"),
    case("所以 $\\sin A=\\frac{3}{5}$。", "\\frac{4}{5}", False, "sine-of-a-named-angle-other-value"),
    case("\\log_2 x = 3", "3", False, "logarithm-equation-is-no-value"),
    case("$\\therefore$ $a^2+b^2=(a+b)^2-2ab=25-12=13$。", "13", True, "chain-evaluating-an-expression"),
    case("$\\therefore$ $a^2+b^2=(a+b)^2-2ab=25-12=13$。", "12", False, "chain-evaluating-other-value"),
    case("所以甲、乙两人的速度分别是 60 千米/时和 40 千米/时。", "60, 40", True, "compound-units-joined-by-he"),
    case("所以甲、乙两人的速度分别是 60 千米/时和 40 千米/时。", "60, 50", False, "compound-units-other-value"),
    case("因此，$k$ 的取值范围是 $k>1$ 或 $k<-1$。", "(-\\infty,-1)\\cup(1,+\\infty)", True, "range-in-two-segments"),
    case("因此，$k$ 的取值范围是 $k>1$ 或 $k<-1$。", "(1,+\\infty)", False, "range-in-two-segments-one-key"),
    case("A. 3  B. 4  C. 5  D. 6\n计算得 x=4，故选 C。", "4", False, "listed-option-chosen-over-the-value"),
    case("A. 3  B. 4  C. 5  D. 6\n计算得 x=4，故选 C。", "5", True, "listed-option-value"),
    case("A．70  B．80  C．90  D．100\n所以原来甲比乙多 80 元，故选B．", "90", False, "listed-option-other-value"),
    case("所以答案是A或C。", "A", False, "options-hedged-with-huo"),
    case("所以答案可能是 B，也可能是 C。", "C", False, "options-hedged-with-ye-keneng"),
    case("The answer is B or D.", "D", False, "options-hedged-with-or"),
    case("答：可能是 12 个，也可能是 15 个。", "15", False, "values-hedged-with-ye-keneng"),
    case("答：不是12，是15。", "15", True, "negated-then-corrected"),
    case("答：不是12，是15。", "12", False, "negated-value"),
    case("所以 A∩B=∅。", "\\emptyset", True, "named-empty-set"),
    case("所以 A∩B=∅。", "\\{0\\}", False, "named-empty-set-other-set"),
    case("所以 $A\\cup B=\\{x|x>1\\}$。", "(1,+\\infty)", True, "named-set-builder"),
    case("所以 $A=\\{x|x\\ge 1\\}$。", "(1,+\\infty)", False, "named-set-builder-closed-end"),
    case("Die Antwort lautet 1.250,5.", "1250.5", True, "de-dot-thousands-decimal-comma"),
    case("Die Antwort lautet 1.250,5.", "1.25", False, "de-dot-thousands-decimal-comma-other"),
    case("答案为：**B. 8**", "8", True, "option-and-value-in-bold"),
    case("答案为：**B. 8**", "B", True, "option-and-value-in-bold-letter-key"),
    case("答案为：**B. 8**", "9", False, "option-and-value-in-bold-other-value"),
    case("答：这个圆的面积是 $25\\pi$ 平方厘米。", "78.5", True, "pi-as-3.14-key"),
    case("答：这个圆的面积是 $24\\pi$ 平方厘米。", "78.5", False, "pi-as-3.14-other-key"),
    case("答：圆的面积是 $9\\pi$ 平方厘米，约 28.26 平方米。", "28.26", False, "pi-with-a-stated-wrong-approximation"),
    case("答：火车在 12 时 15 分到达。", "12:15", True, "zh-hours-minutes-clock-key"),
    case("答：火车在 12 时 15 分到达。", "12:51", False, "zh-hours-minutes-other-clock-key"),
    case("答：行驶了2小时35分。", "12:15", False, "zh-duration-against-a-clock-key"),
    case("答：小红家离学校 $\\frac{3}{4}$ 千米，即 750 米。", "750", True, "restated-after-prose-in-other-units"),
    case("答：小红家离学校 $\\frac{3}{4}$ 千米，即 700 米。", "700", False, "restated-after-prose-wrong-conversion"),
    case("答：一共用了 2 小时，即 150 分钟。", "150", False, "restated-wrong-minutes"),
    case("所以表面积是 $\\boxed{94}$ 平方厘米，体积是 $\\boxed{60}$ 立方厘米。", "94, 60", True, "boxes-in-clauses"),
    case(
        "所以表面积是 $\\boxed{94}$ 平方厘米，体积是 $\\boxed{60}$ 立方厘米。",
        "94, 64",
        False,
        "boxes-in-clauses-other",
    ),
    case("先得 \\boxed{3}，不对，应该是 \\boxed{4}", "3, 4", False, "boxes-in-clauses-revised"),
    case("（1）表面积是 \\boxed{94}；（2）体积是 \\boxed{60}", "60, 94", False, "boxes-in-labelled-parts-swapped"),
    case("本题选 A、C。", "AC", True, "several-options-chosen"),
    case("本题选 A、C。", "A", False, "several-options-chosen-one-key"),
    case("若选 A、C 都不对，所以选 B。", "B", True, "options-ruled-out-then-one-chosen"),
    case("A 或 C 都不满足，所以选 B。", "B", True, "options-ruled-out-with-huo"),
]

# Outputs of small models (blind round "weak"): special tokens that end the turn, a turn or a new
# exercise the model goes on to write, repetition loops cut off by the length limit, money after a
# marker, Chinese units in brackets.
WEAK_MODEL_OUTPUTS = [
    # the turn ends at its special token; what follows is never this reply's
    case("3 x 6 = 18. The answer is 18.</s>", "18", True, "eos-after-answer"),
    case("18.</s>", "18", True, "bare-eos"),
    case("<s> The answer is 18.</s>", "18", True, "bos-and-eos"),
    case("The total is <s>16</s> 18.", "18", True, "struck-through-is-no-end"),
    case("So it is 18.<|end|>\n<|user|>\nNext?", "18", True, "phi3-end"),
    case(
        "So it is 18.<end_of_turn>\n<start_of_turn>user\nQ<end_of_turn>\n<start_of_turn>model\n4", "18", True, "gemma"
    ),
    case(
        "The answer is 18<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nThe answer is 20.",
        "20",
        False,
        "llama-next-header",
    ),
    case("The answer is 16.<end_of_turn>\n<start_of_turn>model\nThe answer is 18", "18", False, "gemma-key-after-end"),
    # a conversation turn the model writes itself: cut, answered before it or not
    case("The answer is 24.\n\nHuman: And 10 boxes?\n\nAssistant: 10 x 4 = $40.", "24", True, "human-turn"),
    case("So it is 6 * 3 = 18.\n\n### Instruction:\nWhat is 5+5?\n\n### Response:\n10", "18", True, "instruction-turn"),
    case(
        "The train goes 60 mph for 3 hours.\n\n### Instruction:\nA car: 90 * 2?\n\n### Response:\n180",
        "180",
        False,
        "instruction-turn-key-after",
    ),
    case("The answer is 18.\n\nUSER: thanks\nASSISTANT: 30", "30", False, "user-turn"),
    # role names left when a chat template's special tokens were decoded away
    case("3 x 6 = 18. The answer is 18.assistant\n\nSorry, the answer is 20.", "18", True, "glued-assistant"),
    case("3 x 6 = 20. The answer is 20.assistant\n\nThe answer is 18.", "18", False, "glued-assistant-key-after"),
    case("So the answer is 30.\nuser\nA box has 5 rows of 7?\nassistant\nThe answer is 35.", "35", False, "role-lines"),
    case("The answer is 18.\n\n用户：再来一题\n助手：答案是20。", "18", True, "zh-user-turn"),
    case("The user asked how many apples.\nThe answer is 18.", "18", True, "user-as-a-word"),
    # a new exercise: numbered, Chinese headings, after a bare value or a worked step
    case("The answer is 7.\n\nQuestion 2: How many more? The answer is 12.", "7", True, "numbered-next-question"),
    case("The answer is 7.\n\n## Problem 3\nFind x. The answer is 12.", "7", True, "heading-next-problem"),
    case("还剩7元。\n答：还剩7元。\n\n题目2：小刚还剩多少元？\n答：还剩12元。", "7", True, "zh-numbered-next-exercise"),
    case("答：一共有18个。\n\n第2题：一共有几个？\n答：一共有8个。", "18", True, "zh-nth-exercise"),
    case("答：一共有18个。\n\n【题目】一共有几个？\n答：一共有8个。", "18", True, "zh-bracketed-exercise"),
    case("答：一共有18个。\n\n下一题：一共有几个？\n答：一共有8个。", "18", True, "zh-next-one"),
    case("The answer is 18.\n\nFollow-up question: and with 4 boxes? Then the answer is 24.", "18", True, "follow-up"),
    case("18\n\nQuestion: Lisa has 5 apples and buys 7. How many?\nAnswer: 12", "18", True, "bare-value-then-exercise"),
    case("18\n\nQuestion: Lisa has 5 apples and buys 7. How many?\nAnswer: 12", "12", False, "bare-value-exercise-key"),
    case(
        "She has 20 - 4 = 16 left.\n\nQuestion: Lily had 20 and ate 2. How many are left?\n#### 18",
        "18",
        False,
        "worked-then-exercise",
    ),
    case(
        "Question 1: How many? So 3 + 4 = 7.\nQuestion 2: How many more? The answer is 12.",
        "12",
        True,
        "own-numbered-parts-kept",
    ),
    # a repetition loop cut off by the length limit: its unfinished last copy is no answer
    case("So 26 cm.\n#### 26\n#### 26\n#### 26\n#### 2", "26", True, "loop-cut-off-line"),
    case("The answer is 35. The answer is 35. The answer is 3", "35", True, "loop-cut-off-sentence"),
    case("答：还剩12个。答：还剩12个。答：还剩1", "12", True, "zh-loop-cut-off"),
    case(
        "因此，答案是 $\\boxed{56}$。\n\n因此，答案是 $\\boxed{56}$。\n\n因此，答案是 $\\boxed{56",
        "56",
        True,
        "box-loop-cut-off",
    ),
    case("#### 26\n#### 26\n#### 2", "2", False, "loop-cut-off-is-no-answer"),
    case("The answer is 18.\nSo 3 x 6 = 18.\n" * 3 + "The answer is 1", "18", True, "loop-of-two-lines-cut-off"),
    case("答：小明有18个。\n解析：3×6=18。\n" * 3 + "答：小明有1", "18", True, "zh-loop-of-two-lines-cut-off"),
    case("The answer is 18.\nSo 3 x 6 = 18.\nThe answer is 1", "18", False, "no-cycle-is-no-loop"),
    case("The answer is 5.\nThe answer is 5.\nThe answer is 50.", "5", False, "loop-ending-on-another-value"),
    case("The answer is 35.\nThe answer is 3", "35", False, "one-copy-is-no-loop"),
    # cut off inside a new step with no answer declared: the last number is a step's
    case("So she has 72 - 24 = 48 left. Then she gives some to her", "48", False, "cut-off-new-step"),
    case("3 x 6 = 18 apples. Next, we find how many are left after she eats", "18", False, "cut-off-step-opener"),
    case("解：3×6=18（个），18-4=14（个），再把剩下的苹果平均分给", "14", False, "zh-cut-off-new-step"),
    case("So Mr. Smith pays $18.\nThat is how much he pays", "18", True, "closing-remark-unpunctuated"),
    case("She has 18 apples.\nThat is the final result", "18", True, "closing-remark-about-the-result"),
    case("3×6=18（个），这就是苹果的总数", "18", True, "zh-closing-remark-unpunctuated"),
    case("So there are 3 x 6 = 18 apples in all", "18", True, "unpunctuated-last-sentence-with-value"),
    # money after a marker: a dollar sign before a blank line opens no math
    case(
        "Answer: $18\n\nExplanation: $4 each is $8, and $10. $8 + $10 = $18.",
        "18",
        True,
        "dollar-answer-then-explanation",
    ),
    case("Answer: $16\n\nExplanation: $4 each is $8, and $10. $8 + $10 = $18.", "18", False, "dollar-answer-wrong"),
    # a Chinese unit in brackets after the value, never a remark ruling it out
    case("15+3=18（个）", "18", True, "zh-unit-in-brackets"),
    case("6×3=18(平方米)", "18", True, "zh-unit-in-ascii-brackets"),
    case("15+3=18（个）", "19", False, "zh-unit-in-brackets-other-value"),
    case("x=-1（舍去），x=3", "-1, 3", False, "zh-rejected-root-stays"),
]


# A value a bracketed remark after it rules out (舍去, 不合题意, rejected, extraneous) is no part of
# the answer; a remark that names the value it rules out, rounding (舍入) and 不合格 rule out nothing.
REJECTED_VALUES = [
    case("所以 x=3 或 x=-1（不合题意，舍去）。", "3", True, "zh-rejected-root-after"),
    case("所以 x=3 或 x=-1（不合题意，舍去）。", "-1, 3", False, "zh-rejected-root-not-listed"),
    case("x=-1（舍去），x=3", "3", True, "zh-rejected-root-first"),
    case("所以 x=3 或 x=-1（舍）。", "3", True, "zh-rejected-short"),
    case("所以 x=3（x=-1舍去）", "3", True, "zh-remark-naming-the-value"),
    case("x=-1（舍去）", "-1", False, "zh-rejected-alone"),
    case("So x = 3 or x = -1 (rejected since x > 0).", "3", True, "rejected-with-reason"),
    case("So $x = 3$ or $x = -1$ (rejected).", "3, -1", False, "rejected-not-listed"),
    case("x = 4 or x = -2 (extraneous)", "4", True, "extraneous"),
    case("答：合格率是95%（不合格率5%）。", "95%", True, "zh-unqualified-is-no-rejection"),
    case("面积约为 28.26（舍入后）", "28.26", True, "zh-rounding-is-no-rejection"),
]


# Keys as datasets and annotators write them (blind round "keys"): an option key with its content
# (B. 12, (B) 12, C. $$117$$) takes the option or its content; 正确的是B和C chooses both; numbers a
# closing sentence lists after a copula are the answer against a key listing them (1 and 2; 12 or
# 13, two answers); a number in another unit of the key's measure is the key's when it converts to it.
ANSWER_KEYS = [
    case("The answer is 12.", "B. 12", True, "labelled-key-content"),
    case("Answer: B", "(B) 12", True, "labelled-key-letter"),
    case("平均数为117。", "C. $$117$$", True, "labelled-key-tal-content"),
    case("平均数为2808÷24=117，所以选C。", "C. $$117$$", True, "labelled-key-tal-letter"),
    case("The answer is 13.", "B. 12", False, "labelled-key-other-content"),
    case("平均数为2808÷24=117，所以选D。", "C. $$117$$", False, "labelled-key-other-letter"),
    case("The answer is (C) 15.", "(B) 12", False, "labelled-key-other-option"),
    case("Point B is at 7.", "B. 12", False, "labelled-key-letter-in-prose"),
    case("正确的是B和C。", "B、C", True, "zh-correct-ones-are"),
    case("正确的选项是A、C、D", "ACD", True, "zh-correct-options-are"),
    case("正确的是B和C。", "B", False, "zh-correct-ones-against-one"),
    case("不正确的是B和C。", "B、C", False, "zh-incorrect-ones-are"),
    case("The roots are 1, 2.", "1 and 2", True, "closing-list-comma"),
    case("The roots are 1 and 2.", "1 and 2", True, "closing-list-and"),
    case("There could be 12 or 13 students.", "12 or 13", True, "closing-list-or-two-answers"),
    case("The values are -1, 2.5.", "-1, 2.5", True, "closing-list-decimals"),
    case("There are 12 students.", "12 or 13", False, "closing-list-one-of-two"),
    case("So the answer is 12 or 13.", "12", False, "closing-list-hedge-against-one"),
    case("The roots are 1, 2, 3.", "1, 2", False, "closing-list-one-more"),
    case("The roots are 1, 2.5", "1, 2", False, "closing-list-decimal-is-one-number"),
    case("Between 1 and 2 there are many numbers.", "1, 2", False, "closing-list-not-closing"),
    case("m的值为2或-3", "m=2或m=-3", True, "closing-list-values-of-one-name"),
    case("m的值为2或3", "m=2或m=-3", False, "closing-list-values-of-one-name-other"),
    case("The values are 2 and 3", "a=2, b=3", True, "closing-list-values-of-two-names-in-order"),
    case("The values are 3 and 2", "a=2, b=3", False, "closing-list-values-of-two-names-swapped"),
    case("3, 2", "a=2, b=3", False, "values-against-names-swapped"),
    case("a = 2, b = 3", "2, 3", True, "names-against-values-in-order"),
    case("The values are 4 and 6", "2x=4, 2x=6", False, "closing-list-values-of-expressions"),
    case("It takes 120 minutes.", "2\\text{ hours}", True, "key-units-hours"),
    case("答：两地相距45000米。", "45千米", True, "key-units-zh-km"),
    case("She paid 500 cents.", "5 dollars", True, "key-units-cents"),
    case("It takes 150 minutes.", "2\\text{ hours}", False, "key-units-other-value"),
    case("答：两地相距45米。", "45千米", False, "key-units-same-number"),
    case("She paid 5 cents in total.", "5 dollars", False, "key-units-cents-same-number"),
    case("He walks 3 km", "3000", False, "key-units-key-without-unit"),
]

# Found probing past blind round "keys": values of named quantities are compared name by name, not
# as a set of values (x = 3, y = 2 against x = 2, y = 3 was a false positive); a mixed number keeps
# its space (3 1/2 against 31/2 was one; 3½ is 3 1/2, ½ is 1/2); keys written B．12, 【答案】B and
# the true-or-false marks √ / ×; a key that says it approximates (\\approx 3.14, 约3.14) takes a value
# it rounds, truncates or rounds up to its decimal places; a unit of another physical measure (5 m
# against 5 min) is another quantity, and so is a rate in other units (60 km/h against 60 m/s);
# "neither ... correct" is no yes; "5 in" closing its sentence is inches; Chinese clauses that name the
# same quantities on both sides (鸡有#只，兔有#只) give each its own value, not a set of values.
KEY_SHAPES = [
    case("x=3, y=2", "x=2, y=3", False, "assignments-swapped"),
    case("$a=3$, $b=2$", "a=2, b=3", False, "assignments-swapped-in-math"),
    case("p=-5, x=14/3", "x = -5,\\ p = \\frac{14}{3}", False, "assignments-names-swapped"),
    case("a=2, b=3", "b=3, a=2", True, "assignments-in-other-order"),
    case("x=4/2, y=3", "x=2, y=3", True, "assignments-value-written-otherwise"),
    case("x = 1 or x = 2", "x=2, x=1", True, "roots-of-one-name-stay-a-set"),
    case("a=2, b=3", "(2,3)", True, "assignments-against-a-tuple"),
    case("The answer is 31/2", "3 1/2", False, "mixed-number-is-no-fraction"),
    case("The answer is 3.5", "3 1/2", True, "mixed-number-value"),
    case("The answer is 31/2", "3½", False, "vulgar-mixed-number-is-no-fraction"),
    case("The answer is 7/2", "3½", True, "vulgar-mixed-number"),
    case("He walked 3½ miles.", "3", False, "vulgar-mixed-number-in-prose-whole-part"),
    case("He walked 3½ miles.", "3.5", True, "vulgar-mixed-number-in-prose"),
    case("½", "0.5", True, "vulgar-fraction"),
    case("1000", "1 000", True, "thousands-space"),
    case("选B", "B．12", True, "fullwidth-labelled-key-letter"),
    case("12", "B．12", True, "fullwidth-labelled-key-content"),
    case("选C", "B．12", False, "fullwidth-labelled-key-other-letter"),
    case("故答案为：B", "【答案】B", True, "bracketed-answer-key"),
    case("故答案为：C", "【答案】B", False, "bracketed-answer-key-other"),
    case("答：这个说法错误。", "×", True, "cross-key"),
    case("答：这个说法正确。", "√", True, "tick-key"),
    case("答：这个说法正确。", "×", False, "cross-key-against-true"),
    case("答：√", "（×）", False, "tick-against-bracketed-cross"),
    case("×", "错误", True, "cross-prediction"),
    case("The answer is 3 × 4 = 12", "×", False, "times-sign-is-no-cross"),
    case("The answer is 3.14159", "\\approx 3.14", True, "approximate-key"),
    case("The answer is 1/3", "≈0.33", True, "approximate-key-fraction"),
    case("x = 3.14159", "\\(\\approx 3.14\\)", True, "approximate-key-in-math"),
    case("The answer is 28.274", "约28.27平方厘米", True, "approximate-key-zh-unit"),
    case("The answer is -1.414", "\\approx -1.41", True, "approximate-key-negative"),
    case("The answer is 3.13", "\\approx 3.14", False, "approximate-key-other-value"),
    case("The answer is 3.14159", "3.14", False, "exact-key-is-no-approximation"),
    case("3.14159 cm", "\\approx 3.14 m", False, "approximate-key-other-unit"),
    case("The answer is 15.54", "About half of the 31 students, so $\\boxed{15.5}$", False, "about-in-a-solution-key"),
    case("The answer is 5 m", "5 min", False, "unit-of-another-measure"),
    case("The answer is 5 kg", "5 km", False, "unit-of-another-mass-length"),
    case("The answer is 5 km", "5 km", True, "same-unit"),
    case("答：需要3元。", "$3", True, "currency-is-no-physical-measure"),
    case("Neither is correct", "Both are correct", False, "neither-is-no-verdict"),
    case("Neither is correct", "A. Both are correct", False, "neither-against-labelled-key"),
    case("The speed is 60 km/h", "60 m/s", False, "rate-in-another-unit"),
    case("The speed is 36 km/h", "10 m/s", True, "rate-converted"),
    case("答：速度是60千米/小时。", "60米/秒", False, "zh-rate-in-another-unit"),
    case("答：速度是60千米/时。", "60千米/小时", True, "zh-rate-same-unit"),
    case("答：汽车每小时行驶45千米。", "45千米/小时", True, "zh-rate-in-words"),
    case("He reads 20 pages per hour", "20", True, "rate-of-a-count"),
    case("The length is 5 in", "5 cm", False, "inches-closing-the-sentence"),
    case("The side is 24 in.", "2 feet", True, "inches-converted"),
    case("There are 12 in all.", "12", True, "in-all-is-no-unit"),
    case("答：鸡有12只，兔有23只。", "鸡有23只，兔有12只", False, "zh-quantities-swapped"),
    case("答：兔有12只，鸡有23只。", "鸡有23只，兔有12只", True, "zh-quantities-in-other-order"),
    case(
        "答：甲车每小时行60千米，乙车每小时行45千米。",
        "甲车每小时行45千米，乙车每小时行60千米",
        False,
        "zh-rates-swapped",
    ),
    case("答：甲车每小时行60千米，乙车每小时行45千米。", "60，45", True, "zh-quantities-against-bare-values"),
    case("答：长是8厘米，宽是5厘米。", "长8厘米，宽5厘米", True, "zh-quantities-other-words"),
]


# Blind round mv (math-verify's shapes): values given to names compared name by name, a matrix of
# names given its values, an option key with its content, inequalities with a point left out, the
# name of a curve before its equation, and a double's printed digits.
BLIND_ROUND_MV = [
    case("$\\boxed{a=5}$ and $\\boxed{b=3}$", "$a=3, b=5$", False, "assignments-values-swapped"),
    case("$\\boxed{b=5}$ and $\\boxed{a=3}$", "$a=3, b=5$", True, "assignments-names-reordered"),
    case("$m = 3, n = 4$", "$m=4, n=3$", False, "assignments-list-swapped"),
    case("$a_1 = 3, d = 2$", "$d = 3, a_1 = 2$", False, "assignments-subscript-swapped"),
    case("$a = 5, c = 3$", "$a=3, b=5$", False, "assignments-shared-name-differs"),
    case("$(m, n) = (3, 4)$", "$m=3, n=4$", True, "assignments-named-tuple"),
    case("$(m, n) = (4, 3)$", "$m=3, n=4$", False, "assignments-named-tuple-swapped"),
    case("$x_1 = -1, x_2 = 4$", "$x_1=4, x_2=-1$", True, "assignments-numbered-roots-any-order"),
    case("$\\boxed{a_{37} = 19, \\quad a_3 = 2}$", "$a_3 = 2, a_{37} = 19$", True, "assignments-sequence-terms"),
    case(
        "Thus $\\begin{pmatrix} x \\\\ y \\end{pmatrix} = \\begin{pmatrix} 3 \\\\ -1 \\end{pmatrix}$.",
        "$\\begin{pmatrix} 3 \\\\ -1 \\end{pmatrix}$",
        True,
        "matrix-of-names-given-values",
    ),
    case(
        "$\\begin{pmatrix} a \\\\ b \\end{pmatrix} = \\begin{pmatrix} 3 \\\\ 1 \\end{pmatrix}$",
        "$\\begin{pmatrix} 3 \\\\ -1 \\end{pmatrix}$",
        False,
        "matrix-of-names-other-values",
    ),
    case("The final answer is $\\boxed{\\text{B}}$.", "$\\boxed{\\textbf{(B) } 12}$", True, "option-key-letter"),
    case("The final answer is $\\boxed{12}$.", "$\\boxed{\\textbf{(B) } 12}$", True, "option-key-content"),
    case("The answer is $\\boxed{\\textbf{(B) } 12}$.", "$\\textbf{(B) } 12$", True, "option-key-both"),
    case("The answer is $\\boxed{\\textbf{(B) } 13}$.", "$\\textbf{(B) } 12$", False, "option-key-other-content"),
    case("The final answer is $\\boxed{\\text{C}}$.", "$\\boxed{\\textbf{(B) } 12}$", False, "option-key-other-letter"),
    case("The final answer is $\\boxed{13}$.", "$\\boxed{\\textbf{(B) } 12}$", False, "option-key-other-value"),
    case("A triangle has area 12, so the answer is $\\boxed{12}$.", "(B) 12", True, "option-key-letter-in-prose"),
    case("$x > 2$ and $x \\neq 5$", "$(2,5)\\cup(5,\\infty)$", True, "point-left-out"),
    case("$x > 2$ and $x \\neq 5$", "$(2,\\infty)$", False, "point-left-out-missing"),
    case("$x \\geq 2$ and $x \\neq 2$", "$(2,\\infty)$", True, "point-left-out-at-the-end"),
    case("$-3 \\le x < 4$ and $x \\neq 1$", "$[-3,1)\\cup(1,4)$", True, "point-left-out-of-a-range"),
    case("$x \\le 3$, $x \\ne 1$, $x \\ne -1$", "$(-\\infty,-1)\\cup(-1,1)\\cup(1,3]$", True, "points-left-out"),
    case("$x \\le 3$, $x \\ne 1$, $x \\ne -1$", "$(-\\infty,-1)\\cup(-1,3]$", False, "points-left-out-one-missing"),
    case("$x > a$ and $x \\neq 5$", "$(a,5)\\cup(5,\\infty)$", False, "point-left-out-symbolic-end"),
    case("$x^2+y^2=1$", "C: x^2+y^2=1", True, "curve-name"),
    case("$x^2+y^2=4$", "C: x^2+y^2=1", False, "curve-name-other-curve"),
    case(
        "$C: \\frac{x^2}{4}+\\frac{y^2}{2}=1$", "$\\frac{x^2}{4}+\\frac{y^2}{3}=1$", False, "curve-name-in-prediction"
    ),
    case("$l_1: x - y + 1 = 0$", "$y = x + 1$", True, "line-name"),
    case("$\\rho = 2\\cos\\theta$", "$C: \\rho = 2\\cos\\theta$", True, "curve-name-polar"),
    case("$1$", "$A:B=1$", True, "ratio-not-a-curve-name"),
    case("$2:3$", "$x:y=3:2$", False, "ratio-of-unknowns-not-a-curve-name"),
    case("$1.4142135623730951$", "$\\sqrt{2}$", True, "double-digits-one-unit-off"),
    case("0.6666666666666666", "\\frac{2}{3}", True, "double-digits-truncated"),
    case("0.6666666666666664", "\\frac{2}{3}", False, "double-digits-too-far"),
    case("0.66666666666666", "\\frac{2}{3}", False, "fourteen-digits-truncated"),
    case("The area is $\\boxed{24}$ and the perimeter is $\\boxed{20}$.", "$24, 20$", True, "boxes-in-clauses"),
    case(
        "The area is $\\boxed{24}$ and the perimeter is $\\boxed{22}$.", "$24, 20$", False, "boxes-in-clauses-one-off"
    ),
    case("The area is $\\boxed{24}$, and the perimeter is $\\boxed{20}$.", "$20$", True, "boxes-in-clauses-last"),
    case(
        "The area is $\\boxed{20}$ and the perimeter is $\\boxed{24}$.", "$24, 20$", False, "boxes-in-clauses-swapped"
    ),
    case("The mean is $\\boxed{4}$ and the median is $\\boxed{5}$.", "$5, 4$", False, "boxes-in-short-clauses-swapped"),
    case("The mean is $\\boxed{5}$ and the median is $\\boxed{4}$.", "$5, 4$", True, "boxes-in-short-clauses"),
    case("We first found $\\boxed{24}$, but actually it is $\\boxed{20}$.", "$24, 20$", False, "boxes-revised"),
    case("$p=5, q=2$ or $p=7, q=2$", "$(5,2),(7,2)$", True, "solutions-as-names-again"),
    case("$p=5, q=2$ or $p=7, q=3$", "$(5,2),(7,2)$", False, "solutions-as-names-again-one-off"),
    case("$p=5, q=2$ or $p=2, q=7$", "$p=7,q=2;p=5,q=2$", False, "solutions-as-names-again-swapped"),
    case("$x=1,y=2,z=3$ or $x=3,y=2,z=1$", "$(1,2,3),(3,2,1)$", True, "solutions-of-three-names"),
    case("$p=5, q=2, p=7$", "$(5,2),(7,2)$", False, "solutions-cut-short"),
    case("The solution set is $\\emptyset$.", "$\\varnothing$", True, "sentence-ends-in-empty-set"),
    case("So the domain is $\\mathbb{R}$.", "$(-\\infty,\\infty)$", True, "sentence-ends-in-reals"),
    case("So the domain is $\\mathbb{R}$.", "$(0,\\infty)$", False, "sentence-ends-in-reals-other-set"),
    case("The fastest runner is Evelyn.", "$\\text{Evelyn}$", True, "sentence-without-math-still-text"),
    case("I think the answer might be 7, but I'm not sure; it could be 8.", "7", False, "hedge-not-sure-first"),
    case("I think the answer might be 7, but I'm not sure; it could be 8.", "8", False, "hedge-not-sure-last"),
    case("The answer is 7, but it could also be 8.", "8", False, "hedge-could-also-be"),
    case("It might be 7, but it could be 8.", "7", False, "hedge-might-could"),
    case(
        "The value of $x$ could be $-3$ or $3$, but since $x > 0$, the answer is $3$.", "3", True, "modal-in-reasoning"
    ),
    case("At first the answer might be 6, but we double counted; so the answer is 3.", "3", True, "modal-then-settled"),
    case("The answer is 12. It might be helpful to check: $12 \\cdot 2 = 24$.", "12", True, "modal-without-value"),
    case("The answer might be 7.", "7", True, "modal-one-value"),
    case("The answer is 12, not 13.", "12", True, "value-ruled-out"),
    case("It is 7, and it is not 8.", "8", False, "value-ruled-out-after-a-clause"),
    case("The solutions are 2, 3, and 4.", "$2,3,4$", True, "closing-list"),
    case("The solutions are 2, 3, and 5.", "$2,3,4$", False, "closing-list-one-off"),
    case("The roots are $-1$ and $\\frac{1}{2}$.", "$\\frac12, -1$", True, "closing-list-of-segments"),
    case("The integers are $-2$, $-1$, $1$, $2$.", "$-2,-1,0,1,2$", False, "closing-list-one-missing"),
    case("The points are $(1, 2)$ and $(2, 1)$.", "$(1,2),(2,1)$", True, "closing-list-of-tuples"),
    case("We tried 2, 3, and 4, and only 4 works.", "$2,3,4$", False, "closing-list-without-are"),
    case("The answer is 5. The numbers we added are 2 and 3.", "$2, 3$", False, "closing-list-after-the-answer"),
    case("The solutions are 2, 3, and 4.", "$4$", False, "closing-list-against-one-value"),
    case("The roots are $-1$ and $\\frac{1}{2}$.", "$\\frac12$", False, "closing-list-against-one-fraction"),
    case("The answer is 12. The legs are 5 and 12.", "12", True, "closing-list-after-a-marker"),
    case("There are 5 red and 7 blue, so there are 12 marbles.", "12", True, "closing-value-not-a-list"),
    case("So she earns $65 a day. In 3 days she earns 3 x $65 = $195.", "195", True, "qualifier-opening-a-sentence"),
    case(
        "So she earns $65 a day. In 3 days she earns 3 x $65 = $195.", "65", False, "qualifier-opening-a-sentence-first"
    ),
    case("Susie adds 20% of $200, which is $40, so she has $240.", "240", True, "which-is-then-a-clause"),
    case("Susie adds 20% of $200, which is $40, so she has $240.", "40", False, "which-is-then-a-clause-middle"),
    case("She gets 48 slices, which is 3 pizzas' worth.", "48", True, "which-is-closing"),
    case("$30$", "$\\angle ABC=30^\\circ$", True, "angle-named-by-three-points"),
    case("$40$", "$\\angle ABC=30^\\circ$", False, "angle-named-by-three-points-other"),
    case("$\\overline{ABC} = 12$", "$12$", True, "segment-named-by-points"),
    case("$\\text{LQSX}$", "LQSX", True, "capitals-still-a-word"),
    case("Maximum: $\\boxed{5}$, minimum: $\\boxed{-1}$", "$5, -1$", True, "boxes-after-labels"),
    case("Maximum: $\\boxed{-1}$, minimum: $\\boxed{5}$", "$5, -1$", False, "boxes-after-labels-swapped"),
    case("Area: \\boxed{24}, perimeter: \\boxed{22}", "$24, 20$", False, "boxes-after-labels-one-off"),
    case("All solutions: $(0,0,0)$, $(1,1,1)$.", "$(1;1;1),(0;0;0)$", True, "closing-list-after-a-colon"),
    case("All solutions: $(0,0,0)$, $(1,1,0)$.", "$(1;1;1),(0;0;0)$", False, "closing-list-after-a-colon-one-off"),
    case("The train leaves at 12:30.", "12:30", True, "clock-not-a-closing-list"),
    case("由 $a_1=1$，$d=2$ 得 $a_n=1+2(n-1)=2n-1$。", "a_n=2n-1", True, "sentence-ends-in-math-full-stop"),
]

# Gaokao-style solutions (blind round "gaokao"): combination and permutation symbols, complements,
# derivatives at a point, a closing clause that solves for the value, a possessive subject, and a
# where-attained clause that goes on to give the value.
GAOKAO_FORMS = [
    case("所以常数项为 $C_6^3=20$。", "20", True, "combination-symbol-evaluated"),
    case("共有 $C_{5}^{2}=10$ 种选法。", "10", True, "combination-symbol-braced"),
    case("共有 $A_5^3=60$ 种排法。", "60", True, "permutation-symbol-evaluated"),
    case("所以不同的排法共有 $A_5^3=60$ 种。", "10", False, "permutation-symbol-other-value"),
    case("$C_6^3$", "15", False, "combination-symbol-wrong-value"),
    case(r"所以 $\complement_U A=\{2,4,5\}$。", r"\{2,4,5\}", True, "complement-named-set"),
    case(r"所以 $\complement_U A=\{2,4\}$。", r"\{2,4,5\}", False, "complement-missing-member"),
    case("所以 ∁_U A={2,4,5}", r"\{2,4,5\}", True, "complement-unicode"),
    case(r"所以 $\complement_{\mathbb R}A=\{x|-1\le x\le 2\}$。", "[-1,2]", True, "complement-set-builder"),
    case(r"所以 $\complement_{\mathbb R}A=\{x|-1<x\le 2\}$。", "[-1,2]", False, "complement-open-end"),
    case("$f'(x)=3x^2-2x+1$，所以 $f'(1)=2$。", "2", True, "derivative-at-a-point"),
    case("所以 $f'(1)=3$。", "2", False, "derivative-at-a-point-other-value"),
    case("所以 $f'(x)=3x^2-3$。", "3x^2-3", True, "derivative-named"),
    case("所以 $f'(x)=3x^2+3$。", "3x^2-3", False, "derivative-named-sign"),
    case(r"所以 $\vec a\cdot\vec b=2m-4=0$，解得 $m=2$。", "2", True, "solved-clause-after-equation"),
    case("所以 $2m-4=0$，解得 $m=2$。", "4", False, "solved-clause-other-value"),
    case("所以 $x^2=4$，解得 $x=2$。", r"\pm 2", False, "solved-clause-one-root-of-two"),
    case(r"所以 $f(x)$ 的最小正周期 $T=\frac{2\pi}{2}=\pi$。", r"\pi", True, "possessive-subject-then-value"),
    case(r"所以 $f(x)$ 的最小正周期 $T=2\pi$。", r"\pi", False, "possessive-subject-other-value"),
    case("$f(x)=-(x-1)^2+3$，当 $x=1$ 时取得最大值，最大值为 $3$。", "3", True, "condition-then-value"),
    case("$f(x)=-(x-1)^2+3$，当 $x=1$ 时取得最大值，最大值为 $3$。", "1", False, "condition-then-value-not-where"),
    case("所以当 $x=1$ 时，$f(x)$ 取得最大值。", "3", False, "where-without-value"),
    case("所以最小值为 $2$，当且仅当 $x=1$ 时等号成立。", "2", True, "value-then-where"),
    case("所以 $x^2-3x+2=0$，解得 $x=1$ 或 $x=2$。", "1,2", True, "solved-clause-two-roots"),
    case("所以 $x^2-3x+2=0$，解得 $x=1$ 或 $x=2$。", "1", False, "solved-clause-two-roots-against-one"),
    case("所以 $f(x)$ 在 $x=1$ 处取得极小值 $-2$。", "-2", True, "subject-where-then-value"),
    case("所以 $f(x)$ 在 $x=1$ 处取得极小值 $-2$。", "1", False, "subject-where-then-value-not-where"),
    case(r"所以 $\complement_U (A\cup B)=\{5\}$。", r"\{5\}", True, "complement-of-a-union"),
    case(r"所以 $(\complement_U A)\cap B=\{2\}$。", r"\{2\}", True, "complement-in-an-intersection"),
    case(r"所以 $(\complement_U A)\cap B=\{2\}$。", r"\{2,4\}", False, "complement-in-an-intersection-other-set"),
    case("答案：-1；3", "3；-1", False, "blanks-in-their-order"),
    case("答案：3；-1", "3；-1", True, "blanks-in-the-keys-order"),
    case(r"故答案为：$3$；$\frac12$", r"3；\frac{1}{2}", True, "blanks-in-math"),
    case("3, -1", "-1, 3", True, "values-without-semicolons-stay-a-set"),
    case(r"\boxed{(4, 0, 6), (0, 0, 0)}", "$(0;0;0),(4;0;6)$", True, "semicolons-inside-brackets-are-no-blanks"),
    case("所以直线方程为 $x=1$。", "y=1", False, "line-of-another-unknown"),
    case("所以直线方程为 $x=1$。", "x=1", True, "line-of-the-same-unknown"),
    case("x=1, y=2", "y=2, x=1", True, "values-of-unknowns-in-other-order"),
]

# Blind round "prose": solutions closing in a sentence with several numbers and no marker.
# Blind round "unicode": characters as they arrive (invisible marks, HTML references, minus signs,
# spaced digit groups, markdown escapes, \framebox, aligned derivations) and math in Unicode or bare
# LaTeX closing a sentence, without delimiters.
CHARACTERS_AS_THEY_ARRIVE = [
    case("Answer: \u200b42\u200b", "42", True, "zero-width-spaces"),
    case("\ufeff\u200fThe answer is 8\u200e.", "8", True, "bom-and-direction-marks"),
    case("The answer is 1\u200b0.", "1", False, "zero-width-space-inside-a-number"),
    case("Answer: x &gt; 2", "x>2", True, "html-greater-than"),
    case("The answer is &#8722;5.", "-5", True, "html-numeric-minus"),
    case("The answer is &#8722;5.", "5", False, "html-numeric-minus-sign-kept"),
    case("The answer is 12&nbsp;000.", "12000", True, "html-nbsp-group"),
    case("So y = \u22123.", "3", False, "unicode-minus-in-prose"),
    case("So y = \u22123.", "-3", True, "unicode-minus-in-prose-right"),
    case("所以 x＝－３。", "3", False, "full-width-minus"),
    case("Therefore y = \u20133.", "3", False, "en-dash-after-equals-is-a-minus"),
    case("Pages 3\u20135 hold it, so 4.", "4", True, "en-dash-range-stays"),
    case("The total is 12\u00a0000.", "12000", True, "nbsp-digit-group"),
    case("The total is 12\u00a0000.", "12", False, "nbsp-digit-group-not-12"),
    case("Answer: 1\u2009234,5", "1.2345", False, "thin-space-group-decimal-comma"),
    case("Answer: 2 \\* 3 = 6", "6", True, "markdown-escaped-star"),
    case("The answer is $\\framebox{15}$.", "15", True, "framebox"),
    case("$\\framebox[2cm]{-15}$", "15", False, "framebox-with-width-sign-kept"),
    case("$$\\begin{aligned} 2x+3 &= 11 \\\\ 2x &= 8 \\\\ x &= 4 \\end{aligned}$$", "4", True, "aligned-derivation"),
    case("$\\begin{aligned} x &= 2+3 \\\\ &= 5\\end{aligned}$", "5", True, "aligned-chain"),
    case("$$\\begin{aligned} 2x &= -8 \\\\ x &= -4 \\end{aligned}$$", "4", False, "aligned-derivation-sign"),
    case("$\\begin{aligned} x &= 2 \\\\ y &= 3\\end{aligned}$", "3", False, "aligned-values-of-two-names"),
    case("The length of the diagonal is 2\u221a3.", "2\\sqrt{3}", True, "bare-unicode-root"),
    case("So the side is \u221a2.", "2", False, "bare-unicode-root-not-radicand"),
    case("So the value is \u221b4.", "4", False, "bare-cube-root-not-radicand"),
    case("So the solution set is x \u2265 -2.", "x\\geq -2", True, "bare-inequality"),
    case("So x \u2265 2.", "2", False, "bare-inequality-not-bound"),
    case("So x &lt; 3.", "x<3", True, "bare-inequality-from-html"),
    case("The solutions are x = \u00b1\u221a5.", "\\pm\\sqrt{5}", True, "bare-plus-minus"),
    case("Since the sets share no element, A \u2229 B = \u2205.", "\\emptyset", True, "bare-empty-set"),
    case("The speed of light is about 3 \u00d7 10\u2078 m/s.", "3\\times 10^8", True, "bare-power-of-ten-unit"),
    case("So the concentration is 10\u207b\u00b3.", "10", False, "bare-superscript-not-base"),
    case("We find n = 2\u2075.", "32", True, "bare-superscript-power"),
    case("We find n = 2\u2075.", "2", False, "bare-superscript-power-not-base"),
    case("The area is 4\u03c0 cm\u00b2.", "4", False, "bare-pi-not-coefficient"),
    case("The area is 4\u03c0 cm\u00b2.", "4\\pi", True, "bare-pi-with-unit"),
    case("The result is 7 \u00f7 2.", "3.5", True, "bare-division"),
    case("The product is 6 \u00d7 7 = 42.", "42", True, "bare-worked-product"),
    case("Check: 2 \u00d7 159 = 318 \u2260 320.", "320", False, "bare-not-equal-check"),
    case("not it's not 10 it's 1,000.99m\u00b2", "1000.99", True, "glued-unit-squared"),
    case("Total = 4*5 = <<4*5=20>>20", "20", True, "calculator-note-no-relation"),
    case("So the ratio is 1\u22362.", "2", False, "ratio-sign-in-prose"),
    case("So the ratio is 1\u22362.", "1:2", True, "ratio-sign-in-prose-right"),
]


PROSE_WITH_SEVERAL_NUMBERS = [
    case("He walks 6 miles in total, which is 31,680 feet.", "6", True, "restated-with-a-thousands-comma"),
    case("She cut 48 slices, which is 3 pizzas' worth, so 12 are left.", "12", True, "restated-then-a-clause"),
    # a number in words after the value in digits, opening a qualifying phrase, is no answer
    case("She reads 2 x 4 = 8 hours. So she reads 8 x 3 = 24 hours in three weeks.", "24", True, "word-in-qualifier"),
    case(
        "She reads 2 x 4 = 8 hours. So she reads 8 x 3 = 24 hours in three weeks.",
        "3",
        False,
        "word-in-qualifier-given",
    ),
    case("He pays 5 x $4 = $20 for the ten pens.", "10", False, "word-after-article-in-qualifier"),
    case("We add 5 and 7. So she has twelve apples left.", "12", True, "word-without-digits-after-it"),
    # a restating clause that works its value out gives that value; "a total of" names a value
    case("He swims 5 + 7 = 12 laps, then 9 more, which is 12 + 9 = 21 laps.", "21", True, "which-is-worked"),
    case("He swims 5 + 7 = 12 laps, then 9 more, which is 12 + 9 = 21 laps.", "12", False, "which-is-worked-given"),
    case("Total = 12 + 30 + 8 = 50 kg. The 4 boxes weigh a total of 50 kg.", "50", True, "a-total-of"),
    case("Total = 12 + 30 + 8 = 50 kg. The 4 boxes weigh a total of 50 kg.", "4", False, "a-total-of-given"),
    # a closing phrase that works a value out ("of 12 * 15 = 180") qualifies nothing; nor does a
    # preposition opening the last line ("On Friday ...")
    case(
        "She has 9 + 3 = 12 boxes.\nThe boxes hold a total of 12 * 15 = 1,800 pens.", "1800", True, "worked-qualifier"
    ),
    case(
        "She has 9 + 3 = 12 boxes.\nThe boxes hold a total of 12 * 15 = 1,800 pens.",
        "12",
        False,
        "worked-qualifier-given",
    ),
    case("He has 4 + 5 = 9 cards.\nOn Friday he has 9 * 2 = 18 cards.", "18", True, "line-opening-preposition"),
    case("He has 4 + 5 = 9 cards.\nOn Friday he has 9 * 2 = 18 cards.", "9", False, "line-opening-preposition-given"),
    case("She ran 6 - 4 = 2 miles. She ran for 2/4 =.5 hour, which is 30 minutes.", "30", True, "worked-decimal"),
    # US customary volumes: a conversion after the answer is the same quantity, no hedge
    case("She uses 2 × 6 = 12 cups of milk. That is 12 cups, or 3 quarts.", "12", True, "cups-or-quarts"),
    case("She uses 2 × 6 = 12 cups of milk. That is 12 cups, or 4 quarts.", "12", False, "cups-or-wrong-quarts"),
    case("She used 3 quarts", "12 cups", True, "quarts-against-cups"),
    case("She used 3 quarts", "3 cups", False, "quarts-are-no-cups"),
    case("He drank 2 gallons", "8 quarts", True, "gallons-against-quarts"),
    # a restating clause stays in its sentence: "which is 4 more than Ann." does not reach the next one
    case(
        "Joe has 20 cards, which is 4 more than Ann. So Ann has 20 - 4 = 16 cards.", "16", True, "which-is-one-sentence"
    ),
    case("Joe has 20 cards, which is 4 more than Ann. So Ann has 20 - 4 = 16 cards.", "20", False, "which-is-given"),
    case(
        "The trip is 1 hour and 30 minutes, that is 90 minutes. The bus ride is 90 minutes long.",
        "90",
        True,
        "that-is-one-sentence",
    ),
    # qualifiers: over, on, a purpose after "to", a number with thousands, a hyphenated count
    case("She walks 2 + 3 + 4 = 9 miles. She walked 9 miles over the 3 days.", "9", True, "over-the-days"),
    case("She walks 2 + 3 + 4 = 9 miles. She walked 9 miles over the 3 days.", "3", False, "over-the-days-given"),
    case("He bought 4 hats at $5 each. He spent $20 on the 4 hats.", "20", True, "on-the-items"),
    case("He bought 4 hats at $5 each. He spent $20 on the 4 hats.", "4", False, "on-the-items-given"),
    case("She saves $30 a week. It will take her 5 weeks to save $150.", "5", True, "purpose-after-to"),
    case("She saves $30 a week. It will take her 5 weeks to save $150.", "150", False, "purpose-after-to-given"),
    case(
        "The hose fills 250 gallons an hour. It takes 6 hours to fill the 1,500-gallon tank.", "6", True, "to-thousands"
    ),
    case(
        "The hose fills 250 gallons an hour. It takes 6 hours to fill the 1,500-gallon tank.",
        "1500",
        False,
        "hyphen-count",
    ),
    case("We add 9 and 6 to get 15.", "15", True, "to-get-is-a-result"),
    # the value worked out after "=" against a given the closing sentence repeats after it
    case(
        "There are 36 seats in 4 rows. 36 / 4 = 9. Each row of the 36-seat hall has 9 seats.", "9", True, "worked-value"
    ),
    case(
        "Mia reads 15 pages a day. 90 / 15 = 6. Mia finishes the 90 pages in 6 days.", "90", False, "given-not-worked"
    ),
    case("45÷9=5（箱）。每箱装9个，一共装了5箱，需要5箱才能装完45个。", "5", True, "zh-worked-value"),
    case("45÷5=9（个）。每盒装9个，一共装了5盒。", "9", True, "zh-per-item-worked"),
    case("45÷5=9（个）。每盒装9个，一共装了5盒。", "5", False, "zh-count-given"),
    case("26÷6=4（辆）……2（人），4+1=5（辆）。答：需要5辆车才能坐下26人。", "5", True, "zh-purpose-clause"),
    case("26÷6=4（辆）……2（人），4+1=5（辆）。答：需要5辆车才能坐下26人。", "26", False, "zh-purpose-clause-given"),
    case("8×5=40（元）。答：买5本书要40元，还剩10元。", "10", True, "zh-new-number-kept"),
    case(
        "There are 5 boxes of 8 pens: 5 × 8 = 40. With 40 pens for 20 kids, each kid gets 2 pens.",
        "2",
        True,
        "new-number-in-words",
    ),
    case(
        "There are 5 boxes of 8 pens: 5 × 8 = 40. With 40 pens for 20 kids, each kid gets 2 pens.",
        "40",
        False,
        "new-number-in-words-given",
    ),
    case(
        "50 ÷ 8 = 6 remainder 2. So 2 cookies are left over after each child gets 6.", "2", True, "remainder-not-worked"
    ),
    case(
        "50 ÷ 8 = 6 remainder 2. So 2 cookies are left over after each child gets 6.",
        "6",
        False,
        "quotient-with-remainder",
    ),
    case("50÷8=6（个）……2（个），所以还剩2个，每人分到6个。", "6", True, "zh-quotient-clause-last"),
]


OLYMPIAD_ANSWERS = [
    # the variable a closing quantifier binds is no answer: the math before it is
    case("Therefore $f(x) = -x$ for all real $x$.", "f(x)=x", False, "bound-variable-not-read"),
    case("Therefore $f(x) = x + 1$ for every $x \\in \\mathbb{R}$.", "f(x)=x+1", True, "bound-variable-in-set"),
    case("Therefore $f(x) = x + 1$ for every $x \\in \\mathbb{R}$.", "x", False, "bound-variable-in-set-given"),
    case("So there are infinitely many such $n$.", "n", False, "such-variable"),
    case("The value is $y$ for all $y$ with $y = 3$.", "3", True, "variable-with-condition-read"),
    # a solution that gives up on its last step has no answer
    case(
        "Suppose the answer were 12. Then ... contradiction. So we must find another approach.", "12", False, "gives-up"
    ),
    case("We get $x = 4$, but this needs more work to justify.", "4", False, "needs-more-work"),
    case("Suppose the answer were 12. Then the sum is 12, so the answer is 12.", "12", True, "supposition-confirmed"),
    # a congruence's modulus is part of the answer: another modulus is another answer
    case("So $n \\equiv 1 \\pmod 5$.", "n \\equiv 1 \\pmod{3}", False, "other-modulus"),
    case("So $n \\equiv 1 \\pmod 3$.", "n \\equiv 1 \\pmod{3}", True, "same-modulus"),
    case("All $n$ with $n \\equiv 1 \\pmod{3}$.", "n\\equiv 1\\ (\\mathrm{mod}\\ 3)", True, "mathrm-modulus"),
    case("All $n$ with $n \\equiv 1 \\pmod{3}$.", "n\\equiv 1\\ (\\mathrm{mod}\\ 4)", False, "mathrm-other-modulus"),
    case("So $2^{100} \\equiv 2 \\pmod 7$.", "2", True, "modulus-against-a-value"),
    case("So $x \\equiv 3 \\ (\\text{mod } 7)$.", "x \\equiv 3 \\pmod{7}", True, "text-modulus"),
    # a closing clause that counts the solutions as infinitely many or none is the answer
    case("Each $k$ gives one, so there are infinitely many such $n$.", "infinitely many", True, "infinitely-many-such"),
    case("So there are infinitely many solutions.", "\\infty", True, "infinitely-many-solutions"),
    case("So there are finitely many, in fact exactly $4$ solutions.", "\\infty", False, "finitely-many"),
    case("Reducing mod 4 gives a contradiction, so no such $x$ exists.", "\\emptyset", True, "no-such-exists"),
    case("Reducing mod 4 gives a contradiction, so no such $x$ exists.", "4", False, "no-such-exists-not-the-modulus"),
    case("Hence there are no real solutions.", "\\emptyset", True, "no-real-solutions"),
    case("So $x=3$, and there is no other solution.", "3", True, "no-other-solution"),
    case("So $x=3$, and there is no other solution.", "\\emptyset", False, "no-other-solution-not-empty"),
    # a closing note on the domain is no part of a function's value
    case("Therefore $\\boxed{f(x)=x \\text{ for all } x\\in\\mathbb{R}}$.", "f(x) = x", True, "domain-note"),
    case(
        "Therefore $\\boxed{f(x)=x \\text{ for all } x\\in\\mathbb{R}}$.", "f(x) = -x", False, "domain-note-other-value"
    ),
    case("So $\\boxed{f(x) = 2x \\text{ for all real } x}$.", "f(x)=2x", True, "domain-note-real"),
    # a tuple given with all its permutations is each of its orders
    case("So $(a,b,c) = (1,2,3)$ and permutations.", "(1,2,3),(1,3,2),(2,1,3),(2,3,1),(3,1,2),(3,2,1)", True, "perms"),
    case("So $(a,b,c) = (1,2,2)$ and its permutations.", "(1,2,2),(2,1,2),(2,2,1)", True, "perms-repeated-item"),
    case("So $(a,b,c) = (1,2,3)$ and permutations.", "(1,2,3),(1,3,2),(2,1,3)", False, "perms-key-lists-fewer"),
    case("So $(a,b,c) = (1,2,3)$.", "(1,2,3),(1,3,2),(2,1,3),(2,3,1),(3,1,2),(3,2,1)", False, "one-order-only"),
    # a text key's phrase closing a short sentence, after words that negate nothing
    case("Hence the limit does not exist.", "does not exist", True, "key-phrase-closes-sentence"),
    case("So it is not true that the limit does not exist.", "does not exist", False, "key-phrase-negated"),
    case("Thus $n$ is not even.", "is even", False, "key-phrase-not-at-end"),
    # the answer restated in math right after it ("i.e.", "that is") is compared too
    case("It holds when $3 \\mid n-1$, i.e. for all $n \\equiv 1 \\pmod 3$.", "n \\equiv 1 \\pmod{3}", True, "ie"),
    case("It holds when $3 \\mid n-1$, i.e. for all $n \\equiv 1 \\pmod 5$.", "n \\equiv 1 \\pmod{3}", False, "ie-mod"),
    case(
        "The roots are $e^{2\\pi i k/3}$ for $k=0,1,2$, i.e. $1, -\\frac12 \\pm \\frac{\\sqrt3}{2}i$.",
        "1, \\frac{-1+i\\sqrt{3}}{2}, \\frac{-1-i\\sqrt{3}}{2}",
        True,
        "ie-roots-of-unity",
    ),
    case("Thus $x = 4$, i.e. $x^2 = 16$.", "16", False, "ie-equation-not-a-value"),
    # a set named in words with the name of its members: the words name the set
    case("Therefore the answer is all primes $p$.", "all primes", True, "all-primes-p"),
    case("Therefore the answer is all primes $p$.", "\\text{all primes } p", True, "all-primes-p-text-key"),
    case("Therefore the answer is all odd primes $p$.", "all primes", False, "all-odd-primes"),
    case("Therefore the answer is all primes $p$.", "all odd primes", False, "all-primes-not-odd"),
    case("Plan A", "Plan B", False, "a-letter-after-words-is-no-member-name"),
    case("all primes", "all prime", False, "plural-letter-is-no-member-name"),
]


@pytest.mark.parametrize(
    ("prediction", "gold", "expected"),
    CHOICE_AFTER_VALUE
    + MARKERS
    + TOOL_INTEGRATED
    + UNITS
    + ABS_INEQUALITIES
    + ABS_LOWER_BOUNDS
    + KEY_BOXES
    + NUMBER_WORDS
    + NUMBER_WORDS_AT_END
    + COLLOQUIAL_CHINESE
    + RATIOS
    + FOUND_BY_THE_CASE_FILE
    + PART_BOXES
    + ROOTS_AT_END
    + OPTION_SETS
    + NUMBERS_IN_SENTENCES
    + ASSIGNMENTS_AND_ANGLES
    + VALUES_WRITTEN_OTHERWISE
    + TEXT_IN_SENTENCES
    + SETS_AND_NAMES
    + WHERE_ATTAINED_AND_CONTINUATIONS
    + BLIND_ROUND_TWENTY
    + HEDGES_AND_CONVERSIONS
    + SOLUTION_ENDINGS
    + OPTION_SPACES
    + E_NOTATION
    + DEGREE_WORDS
    + VALUE_OF_AN_EXPRESSION
    + ALTERNATIVES
    + PART_LISTS
    + LISTED_ASSIGNMENTS
    + REASONS_AFTER_THE_ANSWER
    + OTHER_UNITS
    + CHINESE_DURATIONS_AND_CLOCKS
    + THINKING_AND_CHAT
    + OTHER_LANGUAGES
    + CHINESE_SOLUTION_FORMS
    + WEAK_MODEL_OUTPUTS
    + REJECTED_VALUES
    + CONDITIONAL_ALTERNATIVES
    + RULED_OUT
    + TASK_ECHOES
    + ALTERNATIVE_VALUES
    + ANSWERS_IN_A_ROW
    + VALUES_LISTED
    + ANSWER_STATEMENTS
    + ANSWER_KEYS
    + KEY_SHAPES
    + BLIND_ROUND_MV
    + GAOKAO_FORMS
    + PROSE_WITH_SEVERAL_NUMBERS
    + CHARACTERS_AS_THEY_ARRIVE
    + OLYMPIAD_ANSWERS,
)
def test_form(prediction: str, gold: str, expected: bool) -> None:
    assert verify(prediction, gold).correct is expected


def test_value_reading_skips_only_a_final_choice() -> None:
    text = "计算得面积为12，所以选C"
    assert extract_answer(text) == "选C"
    assert extract_answer(text, value=True) == "12"
    assert extract_answer("面积为12", value=True) == "12"


@pytest.mark.parametrize(
    ("key", "answer"),
    [
        ("$\\boxed{35 cm} ++++++ \\boxed{4}$", "35 cm, 4"),
        ("\\boxed{W(n) = 1 \\text{ and } W(n) = -1", "W(n) = 1 \\text{ and } W(n) = -1"),
        ("\\[\\boxed{3}\\] and \\[\\boxed{4 \\]", "3, 4"),
        ("$\\boxed{\\frac{1}{2}$.", "\\frac{1}{2}"),
        ("\\boxed{5} \\to \\boxed{6}", "6"),
        ("\\boxed{5} = \\boxed{6}", "6"),
        ("\\boxed{ $$$", None),
    ],
)
def test_key_boxes(key: str, answer: str | None) -> None:
    assert extract_answer(key, fallback=False) == answer


def test_a_models_unclosed_box_is_not_read_as_one() -> None:
    assert [b.content for b in find_boxes("\\boxed{1} \\boxed{12")] == ["1"]
    assert [b.content for b in find_boxes("\\boxed{1} \\boxed{12$", unclosed_last=True)] == ["1", "12"]
    assert [b.content for b in find_boxes("\\boxed{12 \\boxed{1}", unclosed_last=True)] == ["1"]


def test_code_blocks_dropped_output_kept() -> None:
    text = TIR.format(final="\\(\\boxed{144}\\)")
    dropped = drop_code_blocks(text)
    assert "print" not in dropped and "```output\n144\n```" in dropped
    assert drop_code_blocks("```python\nunclosed") == "```python\nunclosed"


@pytest.mark.parametrize(
    ("text", "value"),
    [("一百五", 150), ("三千二", 3200), ("一亿五", 150_000_000), ("一百零五", 105), ("一百五十", 150), ("二十五", 25)],
)
def test_chinese_integer_colloquial(text: str, value: int) -> None:
    assert chinese_integer(text) == value


def test_chinese_numerals_past_the_int_text_limit() -> None:
    # digits spelled one by one are a string however long; stacked units past the limit stay as text
    assert chinese_numeral("一" * 10_000) == "1" * 10_000
    assert chinese_numeral("零零七") == "7"
    assert chinese_numeral("三点一四") == "3.14"
    stacked = "一" + "亿" * 2_000
    assert chinese_numeral(stacked) == stacked
    assert chinese_numeral("一" + "亿" * 3) == "1" + "0" * 24


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("There are twelve apples.", 12),
        ("She read three hundred pages", 300),
        ("twelve apples and three pears", None),
        ("at least twelve", None),
        ("12 apples", None),
        ("Tuesday", None),
        ("She ate two thirds of it.", Fraction(2, 3)),
        ("one and a half hours", Fraction(3, 2)),
        ("three-fourths of them", Fraction(3, 4)),
        ("a third of the class", Fraction(1, 3)),
        ("He tried a third time.", None),  # an ordinal
        ("the twenty-third day", None),
        ("more than two thirds", None),
        ("two thirds and one half", None),
        ("Each friend gets twelve cookies.", 12),
        ("They get twelve each.", None),
        ("She gave twelve apples to Tom.", 12),
        ("up to twelve people", None),
        ("close to twelve", None),
    ],
)
def test_number_in_sentence(text: str, value: int | Fraction | None) -> None:
    assert number_in_sentence(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("We add 5 and 7. So she has twelve apples left.", "12"),
        ("所以 5+7 之后一共有十二个", "12"),
        ("We add 5 and 7 to get 12.", None),
        ("twelve apples, 12 in all", None),
        ("Add 5 and 7. The one on the left.", None),
        ("We add $5$ and $x$ and get twelve", "12"),
        ("We add 5 and 7. It has first place.", None),
        ("x" * 400 + " twelve", None),  # the last sentence starts outside the window
        ("第3步之后是第十二个", None),
        ("It grew to 1.2 million people.", None),  # the scale of the digits before it
        ("We add 5 and 7. So one fifth of them walk.", "1/5"),
    ],
)
def test_number_word_at_end(text: str, value: str | None) -> None:
    assert number_word_at_end(text) == value

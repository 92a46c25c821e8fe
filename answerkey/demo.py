"""A verifier tour: real answer pairs, the verdicts on them, and why."""

from __future__ import annotations

import unicodedata

from verifiers import Verdict, verify

# (what it shows, prediction, gold)
TOUR: list[tuple[str, str, str]] = [
    ("GSM8K solution", "3 boxes of 12 eggs: 3 * 12 = <<3*12=36>>36 eggs.\n#### 36", "36"),
    ("LaTeX, unreduced", r"So the probability is $\boxed{\dfrac{2}{4}}$.", r"\frac{1}{2}"),
    ("radicals", r"The diagonal is $\boxed{2\sqrt{2}}$.", r"\sqrt{8}"),
    ("Chinese solution", "每支笔5元，买3支，5×3=15。\n答：一共花了15元。", "15"),
    ("multiple choice", "Only option B satisfies both equations. The answer is (B).", "B"),
    ("coarse pi", "The answer is 3.14.", r"\pi"),
    ("set vs tuple", r"\{2, 1\}", "(1, 2)"),
    ("power tower", r"\boxed{9^{9^{9^{9}}}}", "5"),
    ("injection", "__import__('os').system('rm -rf /')", "0"),
]


def run_tour(pairs: list[tuple[str, str, str]] = TOUR) -> list[tuple[str, str, str, Verdict]]:
    """Verify each pair of the tour."""
    return [(label, pred, gold, verify(pred, gold)) for label, pred, gold in pairs]


def format_tour(rows: list[tuple[str, str, str, Verdict]]) -> str:
    """A plain-text table: one line per pair, the reason indented below it."""
    lines = [f"{'':3}{'pair':18}{'prediction':44}{'gold':14}{'verdict':10}{'method':12}ms"]
    for label, pred, gold, v in rows:
        verdict = "correct" if v.correct else ("wrong" if v.status == "ok" else v.status)
        lines.append(
            f"{'✓' if v.correct else '✗':3}{label:18}{_cell(pred, 44)}"
            f"{_cell(gold, 14)}{verdict:10}{v.method:12}{v.elapsed_ms:.1f}"
        )
        lines.append(f"{'':21}reason: {v.reason}")
    return "\n".join(lines)


def _cell(text: str, width: int) -> str:
    """``text`` on one line, cut and padded to ``width`` columns (CJK characters take two)."""
    out, used = "", 0
    for ch in " ".join(text.split()):
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 2:
            out, used = out + "…", used + 1
            break
        out, used = out + ch, used + w
    return out + " " * (width - used)

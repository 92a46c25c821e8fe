"""Agreement between annotators is decided by the verifiers, not by string equality."""

from annotation.agreement import agree, same_answer
from annotation.check import check_answer


def test_equivalent_forms_agree():
    assert same_answer("1/2", "0.5")
    assert same_answer("\\frac{1}{2}", "0.5")
    assert same_answer("{1, 2}", "{2, 1}", "set")
    assert not same_answer("3", "4")
    assert not same_answer("(1, 2)", "{1, 2}")


def test_agree_groups_answers_by_equivalence():
    outcome = agree(["1/2", "0.5", "\\frac12"])
    assert outcome.agreed and outcome.answer == "1/2"
    split = agree(["3", "4", "3.0"])
    assert not split.agreed and split.answer is None
    assert split.groups == [["3", "3.0"], ["4"]]


def test_check_answer_statuses():
    assert check_answer("12元", None).status == "ok"
    assert check_answer("", "number").status == "unparseable"
    assert check_answer("\\frac{1}{", None).status == "unparseable"
    assert check_answer("7", "set").status == "inconsistent"
    assert check_answer("x + 1", "expression").status == "ok"
    assert check_answer("5", "expression").status == "ok"  # a number is an expression too


def test_check_answer_out_of_time_is_a_timeout_not_unparseable(monkeypatch):
    import annotation.check

    monkeypatch.setattr(annotation.check, "CHECK_TIMEOUT", 1e-9)
    finding = check_answer("x^2 + 2x + 1", None)
    assert finding.status == "timeout" and "took over" in finding.report

"""The three Argilla datasets annotators work in, each declared once: sft, exercise, review."""

from __future__ import annotations

import argilla as rg

from verifiers.verify import ANSWER_TYPES as VERIFIER_ANSWER_TYPES

TEMPLATES = ("sft", "exercise", "review")
ANSWER_TYPES = sorted(VERIFIER_ANSWER_TYPES)
DRAFT_ISSUES = ["hallucination", "incomplete", "wrong_answer", "wrong_format", "missing_steps", "filler", "unsafe"]
VERIFIER_STATUSES = ["unchecked", "ok", "unparseable", "inconsistent", "disagreement", "timeout"]

SFT_GUIDELINES = """\
**English.** Write the response an ideal assistant would give to the prompt.
1. Correctness first: the final answer must be right; check every step.
2. Then show the steps a person wants to see, in order, and nothing more.
3. No filler ("Great question!", restating the prompt, empty summaries).
The draft in the response box was written by a model: fix it, rewrite it, or keep it if it is already ideal.
Rate the draft and tick every issue it had.

**中文。** 写出理想助手对该提示的回答。
1. 正确第一：最终答案必须正确，逐步核对。
2. 其次写出读者想看到的步骤，按顺序，不多不少。
3. 不要废话（如"好问题！"、重复题目、空洞的总结）。
回答框中的草稿由模型生成：请修改、重写，或在已经理想时保留。
请为草稿评分，并勾选它存在的所有问题。
"""

EXERCISE_GUIDELINES = """\
**English.** Each record is an exercise: a problem and its final answer, the answer key that
reinforcement learning checks model solutions against.
1. Write or correct the problem if needed, then give the final answer only (no working):
   `3/4`, `\\frac{3}{4}`, `{1, 2}`, `(0, 1]`, `C`, `12元`.
2. Pick the answer type. Use notes for anything a reviewer should know.
3. After `answerkey annotate check`, records whose answer could not be verified show the reason
   in "verifier report"; filter on metadata `verifier_status` to find and fix them.

**中文。** 每条记录是一道练习题：题目及其最终答案（强化学习用来核对模型解答的答案）。
1. 如有需要先填写或修改题目，然后只写最终答案（不写过程）：如 `3/4`、`{1, 2}`、`C`、`12元`。
2. 选择答案类型。需要审核者知道的内容写在备注里。
3. 运行 `answerkey annotate check` 后，无法校验的答案会在“verifier report”中写明原因；
   按元数据 `verifier_status` 筛选即可找到并修改。
"""

REVIEW_GUIDELINES = """\
**English.** Each item needs a person: annotators disagreed on its answer, or a model's attempts
put its answer key in doubt (`reason` says which; "evidence" shows what the model did).
Read the problem and the candidate answers, then decide:
- **keep**: the current answer key is right;
- **replace**: the key is wrong; write the right final answer (the model's majority answer is pre-filled);
- **drop**: the problem itself is broken (ambiguous, missing information): remove the task.
For a disagreement, choose **replace** and write the final answer that settles it.

**中文。** 每一项都需要人来判断：标注者的答案不一致，或模型的多次解答让答案键值得怀疑
（`reason` 说明原因，"evidence" 展示模型的解答）。阅读题目和候选答案后选择：
- **keep（保留）**：当前答案正确；
- **replace（替换）**：答案错误，写出正确的最终答案（已预填模型的多数答案）；
- **drop（删除）**：题目本身有问题（有歧义、缺条件），删除该题。
如果是标注分歧，选择 replace 并写出最终裁定的答案。
"""
REVIEW_DECISIONS = ["keep", "replace", "drop"]


def sft_settings(min_submitted: int = 1) -> rg.Settings:
    """Prompts and ideal responses; the LLM draft arrives as the response's suggestion."""
    return rg.Settings(
        guidelines=SFT_GUIDELINES,
        fields=[
            rg.TextField(name="prompt", title="Prompt", use_markdown=True),
            rg.TextField(name="context", title="Context", use_markdown=True, required=False),
        ],
        questions=[
            rg.TextQuestion(name="response", title="Ideal response", use_markdown=True),
            rg.RatingQuestion(
                name="draft_quality", title="Draft quality (1 bad - 5 ideal)", values=[1, 2, 3, 4, 5], required=False
            ),
            rg.MultiLabelQuestion(
                name="draft_issues", title="Issues in the draft", labels=DRAFT_ISSUES, required=False
            ),
        ],
        metadata=[rg.TermsMetadataProperty(name="source"), rg.TermsMetadataProperty(name="draft_model")],
        distribution=rg.TaskDistribution(min_submitted=min_submitted),
    )


def exercise_settings(min_submitted: int = 1) -> rg.Settings:
    """Problems and their final answers, checked by the verifiers as annotators go."""
    return rg.Settings(
        guidelines=EXERCISE_GUIDELINES,
        fields=[
            rg.TextField(name="problem", title="Problem", use_markdown=True),
            rg.TextField(name="verifier_report", title="Verifier report", required=False),
        ],
        questions=[
            rg.TextQuestion(
                name="problem_text", title="Problem (edit or write a new one)", use_markdown=True, required=False
            ),
            rg.TextQuestion(name="final_answer", title="Final answer"),
            rg.LabelQuestion(name="answer_type", title="Answer type", labels=ANSWER_TYPES, required=False),
            rg.TextQuestion(name="notes", title="Notes", required=False),
        ],
        metadata=[
            rg.TermsMetadataProperty(name="source"),
            rg.TermsMetadataProperty(name="subject"),
            rg.TermsMetadataProperty(name="level"),
            rg.TermsMetadataProperty(name="verifier_status", options=VERIFIER_STATUSES),
        ],
        distribution=rg.TaskDistribution(min_submitted=min_submitted),
    )


def review_settings() -> rg.Settings:
    """The adjudication queue: one reviewer's answer settles each item."""
    return rg.Settings(
        guidelines=REVIEW_GUIDELINES,
        fields=[
            rg.TextField(name="problem", title="Problem", use_markdown=True),
            rg.TextField(name="candidates", title="Candidate answers", use_markdown=True),
            rg.TextField(name="evidence", title="Evidence (model samples)", use_markdown=True, required=False),
        ],
        questions=[
            rg.LabelQuestion(name="decision", title="Decision on the answer key", labels=REVIEW_DECISIONS),
            rg.TextQuestion(name="final_answer", title="Final answer (to replace the key)", required=False),
            rg.TextQuestion(name="notes", title="Notes", required=False),
        ],
        metadata=[
            rg.TermsMetadataProperty(name="from_dataset"),
            rg.TermsMetadataProperty(name="reason"),
            rg.TermsMetadataProperty(name="parent_version"),
        ],
        distribution=rg.TaskDistribution(min_submitted=1),
    )


def settings_for(template: str, min_submitted: int = 1) -> rg.Settings:
    """The settings of a template by name."""
    if template == "sft":
        return sft_settings(min_submitted)
    if template == "exercise":
        return exercise_settings(min_submitted)
    if template == "review":
        return review_settings()
    raise ValueError(f"unknown template {template!r}: choose one of {', '.join(TEMPLATES)}")


def template_of(dataset: rg.Dataset) -> str:
    """Which answerkey template a dataset was made from, by its questions."""
    questions = {question.name for question in dataset.settings.questions}
    if "response" in questions:
        return "sft"
    if "problem_text" in questions:
        return "exercise"
    if "final_answer" in questions:
        return "review"
    raise ValueError(
        f"dataset {dataset.name!r} was not made from an answerkey template (questions: {sorted(questions)})"
    )

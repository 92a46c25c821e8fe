"""The web UI in a real browser: an annotator edits an LLM draft and submits it.

Debian's `chromium` driven by playwright (sync API) against the session's embedded Argilla
server. The drafts are real generations of a tiny model saved inside the test. One record is
edited by clearing the box and typing, the other by typing after the draft (appended to it); the
SFT rows pulled back (`annotation.pull.sft_rows`) hold exactly the edited texts, by the annotator,
with the draft's model.

Outside CI, a machine without /usr/bin/chromium (or playwright) skips this test; with CI=true it
fails instead. `make test` installs chromium when it can (see the Makefile).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import argilla as rg
import pytest
from annotation_models import save_tiny_chat_model
from conftest import require_system_tool

from annotation.drafting import load_drafter
from annotation.edits import edit_distance
from annotation.pull import sft_rows
from annotation.records_api import iter_records
from annotation.templates import sft_settings
from annotation.users import add_user

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
# Flags that work as root in a container (see shared/docs/argilla-embedded.md).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROMPTS = ["what is two plus three", "what is five plus six"]
REPLACEMENT = "two plus three equals five so the answer is 5"
APPENDED = " and six plus five is 11"
TIMEOUT_MS = 60_000  # two shared cores: the first page load can be slow


@pytest.fixture(scope="session")
def sync_playwright():
    """playwright's sync API, once the browser is known to be there (before any server starts)."""
    require_system_tool(
        CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK), f"no {CHROMIUM}: apt-get install -y chromium"
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require_system_tool(False, "playwright is not installed (pip install playwright; never `playwright install`)")
    return sync_playwright


@pytest.fixture
def sft_task(argilla_server, tmp_path):
    """An annotator and an sft dataset in their workspace, whose records carry LLM drafts."""
    tag = uuid.uuid4().hex[:8]
    client = argilla_server.client()
    workspace = f"browser-{tag}"
    account = add_user(client, f"annotator-{tag}", role="annotator", workspace=workspace)
    drafter = load_drafter(save_tiny_chat_model(tmp_path / "drafter"))
    drafts = drafter.draft(PROMPTS, max_new_tokens=8)
    assert all(drafts) and len(set(drafts)) == len(drafts), f"need distinct non-empty drafts, got {drafts}"
    dataset = rg.Dataset(
        name=f"sft-browser-{tag}", workspace=workspace, settings=sft_settings(), client=client
    ).create()
    dataset.records.log(
        [
            rg.Record(
                id=f"browser-{tag}-{index}",
                fields={"prompt": prompt},
                suggestions=[rg.Suggestion("response", draft, agent=drafter.name)],
            )
            for index, (prompt, draft) in enumerate(zip(PROMPTS, drafts, strict=True))
        ]
    )
    return {
        "client": client,
        "dataset": dataset,
        "account": account,
        "drafts": dict(zip(PROMPTS, drafts, strict=True)),
        "agent": drafter.name,
    }


def _annotate_shown_record(page, drafts: dict[str, str], edit) -> tuple[str, str]:
    """Edit the draft of the record on screen with `edit(page, draft)`, submit; (prompt, text)."""
    from playwright.sync_api import expect

    page.get_by_text("Ideal response").first.wait_for(timeout=TIMEOUT_MS)
    shown = [prompt for prompt in drafts if page.get_by_text(prompt, exact=True).count()]
    assert len(shown) == 1, f"expected one of {list(drafts)} on screen, found {shown}"
    prompt = shown[0]
    draft = drafts[prompt]
    # The draft is prefilled in the response box (rendered as markdown until clicked).
    box = page.get_by_role("textbox").first
    expect(box).to_have_text(draft, timeout=TIMEOUT_MS)
    box.click()
    editor = page.locator("[contenteditable=true]").first
    expect(editor).to_have_text(draft)
    expected = edit(page, draft)
    expect(editor).to_have_text(expected)
    with page.expect_response(
        lambda answer: "/responses" in answer.url and answer.request.method in ("POST", "PUT"), timeout=TIMEOUT_MS
    ) as saved:
        page.get_by_role("button", name="Submit").click()
    assert saved.value.ok, f"submitting failed: {saved.value.status} {saved.value.text()[:500]}"
    return prompt, expected


def _clear_and_type(page, draft: str) -> str:
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(REPLACEMENT)
    return REPLACEMENT


def _append(page, draft: str) -> str:
    page.keyboard.press("Control+End")
    page.keyboard.type(APPENDED)
    return draft + APPENDED


def test_annotator_edits_llm_draft_in_browser(sync_playwright, argilla_server, sft_task, tmp_path):
    account = sft_task["account"]
    dataset = sft_task["dataset"]
    drafts = sft_task["drafts"]
    submitted: dict[str, str] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
        )
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            page.goto(f"{argilla_server.url}/sign-in", timeout=TIMEOUT_MS)
            page.locator("input[name=Username]").fill(account.username)
            page.locator("input[name=Password]").fill(account.password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "sign-in" not in url)
            # The dataset list shows the dataset of the annotator's workspace; open it.
            page.get_by_text(dataset.name, exact=True).click()
            page.wait_for_url(f"**/dataset/{dataset.id}/annotation-mode**")
            for edit in (_clear_and_type, _append):
                prompt, text = _annotate_shown_record(page, drafts, edit)
                submitted[prompt] = text
        except BaseException:
            shot = tmp_path / "failure.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"browser test failed at {page.url}; screenshot: {shot}")
            raise
        finally:
            browser.close()

    assert set(submitted) == set(PROMPTS), "each record was annotated once"
    # Read back as `answerkey annotate pull` does: one SFT conversation per submitted response.
    rows = [row for record in iter_records(sft_task["client"], dataset) for row in sft_rows(dataset.name, record)]
    pulled = {row["messages"][0]["content"]: row for row in rows}
    assert len(rows) == len(pulled) == len(PROMPTS)
    # Each text was fixed before the browser ran: the replacement, or the draft plus what was appended.
    assert {prompt: row["messages"][1]["content"] for prompt, row in pulled.items()} == submitted
    for prompt, row in pulled.items():
        assert row["annotators"] == [account.username]
        assert row["draft_model"] == sft_task["agent"]
        assert row["draft_edit_distance"] == edit_distance(drafts[prompt], submitted[prompt]) > 0

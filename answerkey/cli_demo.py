"""``answerkey demo``: the whole story on an embedded default (no services, no network, no GPU)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("runs/demo"),
    show_default=True,
    help="Where the data, models, report and plots go.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="The textbook's and the training's seed.")
@click.option("--quick", is_flag=True, help="Smaller everything, same code path (about 2 minutes).")
@click.option("--with-ui", is_flag=True, help="Keep Argilla running at the end and print its URL and login.")
@click.option(
    "--algo",
    type=click.Choice(["grpo", "rft"]),
    default="grpo",
    show_default=True,
    help="RL stage: GRPO, or rejection-sampling fine-tuning.",
)
@click.option("--quiet", is_flag=True, help="No progress bars.")
def demo_command(out: Path, seed: int, quick: bool, with_ui: bool, algo: str, quiet: bool) -> None:
    """How an assistant is taught: a textbook's explanations (pretraining), worked examples (SFT) and
    practice problems with the answer key (RL), a tiny model trained on each in turn on the CPU and
    measured on held-out problems by the verifiers; annotators' Argilla alongside."""
    from answerkey.demo import DemoConfig, run_demo
    from trainer.errors import TrainerError

    try:
        run_demo(DemoConfig(out=out, seed=seed, quick=quick, with_ui=with_ui, algo=algo, progress=not quiet))
    except (TrainerError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from exc

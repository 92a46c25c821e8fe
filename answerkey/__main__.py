"""``python -m answerkey``: the same command line as the ``answerkey`` script."""

from answerkey.cli import main

main(prog_name="answerkey")

"""Argilla's rq background worker for an embedded server using a real Redis.

Run as `python -m annotation.worker HOME REDIS_URL` (the server starts it for `--redis`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotation.home import ServerHome
from annotation.server import ServeOptions, load_argilla


def run_worker(home: ServerHome, redis_url: str) -> None:
    """Process Argilla's default and high queues until stopped."""
    load_argilla(home, ServeOptions(redis_url=redis_url), role="worker")
    from argilla_server.jobs.queues import DEFAULT_QUEUE, HIGH_QUEUE, REDIS_CONNECTION
    from rq import Worker

    Worker([HIGH_QUEUE, DEFAULT_QUEUE], connection=REDIS_CONNECTION).work(with_scheduler=False)


if __name__ == "__main__":
    run_worker(ServerHome(Path(sys.argv[1])), sys.argv[2])

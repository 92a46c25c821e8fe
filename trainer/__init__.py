"""answerkey's trainer: pretraining, SFT and RL (GRPO, rejection sampling) with the verifiers as reward.

Each stage's loop reads top to bottom in its own module (``pretrain``, ``sft``, ``grpo``, ``rft``,
``evaluate``); what they share sits below them: ``models`` and ``tokenizer`` (tiny models from
scratch, any local checkpoint), ``data`` (dataset folders in, examples out), ``sampler`` (batched
KV-cache generation; ``parallel_sampler`` spreads it over processes), ``rewards`` (verifiers in a
process pool), ``runtime`` (seeding, torch.distributed, checkpoints, metrics) and ``plots``.
"""

import os

# Before torch loads: spinning OpenMP threads collapse throughput on a shared CPU (10x measured in
# ``benchmarks/key_audit.py`` beside one busy process; see trainer-cpu-facts).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

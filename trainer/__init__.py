"""answerkey's trainer: pretraining, SFT and RL (GRPO, rejection sampling) with the verifiers as reward.

Each stage's loop reads top to bottom in its own module (``pretrain``, ``sft``, ``grpo``, ``rft``,
``evaluate``); what they share sits below them: ``models`` and ``tokenizer`` (tiny models from
scratch, any local checkpoint), ``data`` (dataset folders in, examples out), ``sampler`` (batched
KV-cache generation), ``rewards`` (verifiers in a process pool), ``runtime`` (seeding,
torch.distributed, checkpoints, metrics) and ``plots``.
"""

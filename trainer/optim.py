"""AdamW with a linear warm-up and a cosine decay, the schedule every stage uses."""

from __future__ import annotations

import math

import torch
from torch.optim.lr_scheduler import LambdaLR

FINAL_LR_FRACTION = 0.1  # the cosine ends at a tenth of the peak rate


def make_optimizer(model: torch.nn.Module, lr: float, weight_decay: float = 0.0) -> torch.optim.AdamW:
    """AdamW over the distinct trainable parameters (tied embeddings once)."""
    params = list({id(p): p for p in model.parameters() if p.requires_grad}.values())
    return torch.optim.AdamW(params, lr=lr, betas=(0.9, 0.95), weight_decay=weight_decay)


def make_schedule(optimizer: torch.optim.Optimizer, total_steps: int, warmup: int, cosine: bool = True) -> LambdaLR:
    """Linear warm-up over ``warmup`` steps, then a cosine to ``FINAL_LR_FRACTION`` (or constant)."""

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        if not cosine:
            return 1.0
        progress = min(1.0, (step - warmup) / max(1, total_steps - warmup))
        return FINAL_LR_FRACTION + (1 - FINAL_LR_FRACTION) * 0.5 * (1 + math.cos(math.pi * progress))

    return LambdaLR(optimizer, factor)

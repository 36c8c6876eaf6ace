"""Next-token cross-entropy, and the conventions every loss of every method follows.

Conventions:
- `logits[..., i, :]` is the prediction for `labels[..., i]`: the caller aligns them (the data
  pipeline already stores each position's next token as its label).
- A label of IGNORE_INDEX (-100) marks a position without a target (padding, a prompt token, a
  user turn); it contributes nothing to the value or the gradient.
- Reduction: the sum over real (unmasked) tokens divided by `num_tokens`, the number of real
  tokens of the whole optimizer step. Under gradient accumulation the training loop passes the
  count over all the step's micro-batches, so the accumulated gradient is that of the mean over
  every real token of the step, not a mean of per-micro-batch means. Left out, it is this call's
  own count. A batch without any real token gives 0, not NaN.
- Softmaxes are computed in at least float32 whatever the logits' dtype.
"""

import torch
import torch.nn.functional as F

IGNORE_INDEX = -100


def at_least_float32(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.to(torch.promote_types(tensor.dtype, torch.float32))


def token_normaliser(labels: torch.Tensor, num_tokens: int | torch.Tensor | None) -> torch.Tensor | int:
    count = (labels != IGNORE_INDEX).sum() if num_tokens is None else num_tokens
    return count.clamp(min=1) if isinstance(count, torch.Tensor) else max(int(count), 1)


def causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor, num_tokens: int | None = None) -> torch.Tensor:
    """Next-token cross-entropy over real tokens.

    Args:
        logits: (..., V) unnormalised scores, aligned with `labels`.
        labels: (...) gold token ids; IGNORE_INDEX positions are masked out.
        num_tokens: the divisor, the real tokens of the whole optimizer step (see the module
            docstring); default: the real tokens of `labels`.

    Returns:
        Scalar: sum over real tokens of -log softmax(logits)[label], divided by num_tokens (0 when
        there is no real token).
    """
    vocab_size = logits.shape[-1]
    token_losses = F.cross_entropy(
        at_least_float32(logits).reshape(-1, vocab_size), labels.reshape(-1),
        ignore_index=IGNORE_INDEX, reduction="sum",
    )
    return token_losses / token_normaliser(labels, num_tokens)

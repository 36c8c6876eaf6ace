"""The numerical pieces of the continual strategies, as plain functions tested against float64
references: per-task scores, the shared cross-entropy, GeRe's margin loss and its bands, LwF's loss,
EWC's Fisher and penalty.
"""

import torch

from engine.core.data import Batch, TokenBlocks, validation_batches
from engine.core.losses import IGNORE_INDEX
from engine.core.token_logprobs import output_weight_and_bias, token_log_probs
from engine.methods.distillation.chunked import chunked_distillation_loss
from engine.methods.distillation.losses import DistillationSettings, forward_kl
from engine.models import final_hidden_states, logit_softcap, output_layer

# --- Evaluation -------------------------------------------------------------------------------


@torch.no_grad()
def task_scores(model: torch.nn.Module, blocks: TokenBlocks, *, batch_size: int, max_batches: int,
                chunk_size: int) -> tuple[float, float]:
    """(loss, accuracy) of `model` on the first max_batches batches of a task's validation blocks.

    loss: next-token cross-entropy, mean per target token (labels != IGNORE_INDEX). accuracy: the
    share of target tokens whose most likely next token (top-1 of the logits) is the label.
    Logits are computed chunk_size tokens at a time from the final hidden states.
    """
    was_training = model.training
    model.eval()
    device = next(model.parameters()).device
    head = output_layer(model)
    nll = correct = tokens = 0.0
    for batch in validation_batches(blocks, batch_size, max_batches):
        batch = batch.to(device)
        labels = batch.labels.reshape(-1)
        real = labels != IGNORE_INDEX
        hidden = final_hidden_states(model, batch.input_ids, batch.attention_mask)
        hidden, labels = hidden.reshape(-1, hidden.shape[-1])[real], labels[real]
        for start in range(0, labels.shape[0], chunk_size):
            rows = slice(start, start + chunk_size)
            log_probs = torch.log_softmax(head(hidden[rows]).float(), dim=-1)
            nll -= float(log_probs.gather(-1, labels[rows, None]).sum(dtype=torch.float64))
            correct += float((log_probs.argmax(-1) == labels[rows]).sum())
        tokens += float(labels.shape[0])
    model.train(was_training)
    tokens = max(tokens, 1.0)
    return nll / tokens, correct / tokens


# --- Cross-entropy shared by the strategies ---------------------------------------------------


def summed_nll(model: torch.nn.Module, batch: Batch, chunk_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(sum over target tokens of -log p(label), final hidden states (B, L, d)), without full logits."""
    hidden = final_hidden_states(model, batch.input_ids, batch.attention_mask)
    weight, bias = output_weight_and_bias(model)
    log_probs = token_log_probs(hidden, weight, bias, batch.labels, chunk_size=chunk_size,
                                softcap=logit_softcap(model))
    return -log_probs.sum(), hidden


# --- GeRe's margin loss --------------------------------------------------------------------


@torch.no_grad()
def band_statistics(model: torch.nn.Module, blocks: TokenBlocks, *,
                    batch_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Per-dimension mean and standard deviation of `model`'s final hidden states over every real
    token (attention_mask = 1) of `blocks`, accumulated in float64; population std (divide by N)."""
    device = next(model.parameters()).device
    total = total_square = None
    count = 0
    for batch in validation_batches(blocks, batch_size, len(blocks)):
        batch = batch.to(device)
        hidden = final_hidden_states(model, batch.input_ids, batch.attention_mask)
        values = hidden[batch.attention_mask.bool()].double()
        total = values.sum(0) if total is None else total + values.sum(0)
        total_square = (values**2).sum(0) if total_square is None else total_square + (values**2).sum(0)
        count += values.shape[0]
    assert total is not None and total_square is not None
    mean = total / count
    variance = (total_square / count - mean**2).clamp(min=0)
    return mean.float(), variance.sqrt().float()


def margin_loss(hidden: torch.Tensor, reference_hidden: torch.Tensor, mean: torch.Tensor, std: torch.Tensor,
                mask: torch.Tensor) -> torch.Tensor:
    """GeRe's threshold-based margin (TM) loss (Zhang et al. 2025, arXiv:2508.04676; METHODS.md
    section 6, as in the official Qznan/GeRe `gere_trainer.py`).

    With the bands neg = mean - std and pos = mean + std per hidden dimension (from the frozen
    initial model on the replay set), each element of the current hidden states h is penalised by
    where the initial model's value h* for the same token and dimension falls:
        h* <= neg:        relu(h - neg)                   (stay below the lower band)
        h* >= pos:        relu(pos - h)                   (stay above the upper band)
        neg < h* < pos:   relu(h - pos) + relu(neg - h)   (stay inside the band)
    Reduction: the sum over unmasked elements divided by the number of non-zero elements (the
    official code's choice; the count is a constant for the gradient), 0 when none is non-zero.

    Args:
        hidden: (B, L, d) final hidden states of the model being trained.
        reference_hidden: (B, L, d) the frozen initial model's, same tokens (no gradient).
        mean, std: (d,) band statistics.
        mask: (B, L) 1 for real tokens, 0 for padding (masked out entirely).
    """
    hidden = hidden.float() if hidden.dtype in (torch.float16, torch.bfloat16) else hidden
    reference_hidden = reference_hidden.to(hidden.dtype).detach()
    lower, upper = (mean - std).to(hidden.dtype), (mean + std).to(hidden.dtype)
    below, above = reference_hidden <= lower, reference_hidden >= upper
    elementwise = torch.where(
        below, torch.relu(hidden - lower),
        torch.where(above, torch.relu(upper - hidden), torch.relu(hidden - upper) + torch.relu(lower - hidden)),
    )
    elementwise = elementwise * mask[..., None].to(hidden.dtype)
    nonzero = (elementwise.detach() > 0).sum()
    return elementwise.sum() / nonzero.clamp(min=1)


# --- LwF --------------------------------------------------------------------------------------


def lwf_loss(hidden: torch.Tensor, head: torch.nn.Module, old_hidden: torch.Tensor, old_head: torch.nn.Module,
             labels: torch.Tensor, *, weight: float, temperature: float, chunk_size: int,
             num_tokens: int | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Learning without Forgetting (Li & Hoiem 2016, arXiv:1606.09282, eq. 2 with the KD term as a
    KL): per target token CE(y, q) + lambda T^2 KL(p_old || q_T), p_old = softmax(z_old / T) from the
    frozen model as it was before the task, q_T = softmax(z / T); summed over target tokens and
    divided by num_tokens (the step's target tokens). The paper's old-task outputs are here the
    old model's next-token distributions on the current task's tokens (its "responses" to the new
    data), and its cross-entropy against the soft targets is the KL plus a constant.

    Computed by engine.methods.distillation.chunked.chunked_distillation_loss, which is alpha CE + (1 - alpha) T^2
    KL; with alpha = 1 / (1 + lambda) and the result times 1 + lambda it is exactly CE + lambda T^2
    KL, and full logits are never held. Returns (loss, CE, KL), the last two mean per token.
    """
    settings = DistillationSettings(divergence=forward_kl, alpha=1.0 / (1.0 + weight), temperature=temperature,
                                    temperature_squared=True)
    result = chunked_distillation_loss(hidden, head, old_hidden, old_head, labels, settings, chunk_size=chunk_size,
                                       num_tokens=num_tokens)
    return result.loss * (1.0 + weight), result.ce, result.divergence


# --- EWC --------------------------------------------------------------------------------------


def diagonal_fisher(model: torch.nn.Module, batches: list[Batch]) -> dict[str, torch.Tensor]:
    """The diagonal empirical Fisher of EWC (Kirkpatrick et al. 2017, arXiv:1612.00796, eq. 3):
    F = (1/N) sum_n g_n^2 over N batches, g_n the gradient of batch n's log-likelihood, the mean
    over its target tokens of log p(label). A batch-level Fisher (as most LLM implementations
    compute it), not a per-example one: per-example gradients would cost a backward pass per
    sequence. Computed in eval mode (no dropout) for the trainable parameters; the model's own
    gradients are left cleared.
    """
    was_training = model.training
    model.eval()
    parameters = {name: p for name, p in model.named_parameters() if p.requires_grad}
    fisher = {name: torch.zeros_like(p, dtype=torch.float32) for name, p in parameters.items()}
    device = next(model.parameters()).device
    for batch in batches:
        batch = batch.to(device)
        logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask).logits.float()
        log_likelihood = -torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), batch.labels.reshape(-1), ignore_index=IGNORE_INDEX)
        gradients = torch.autograd.grad(log_likelihood, list(parameters.values()), allow_unused=True)
        for name, gradient in zip(parameters, gradients):
            if gradient is not None:
                fisher[name] += gradient.float() ** 2 / len(batches)
    model.train(was_training)
    return fisher


def ewc_penalty(parameters: dict[str, torch.Tensor], fisher: dict[str, torch.Tensor],
                anchor: dict[str, torch.Tensor], strength: float) -> torch.Tensor:
    """(lambda / 2) sum_k F_k (theta_k - theta*_k)^2 over every parameter that has a Fisher
    (Kirkpatrick et al. 2017, eq. 3); 0 at the anchor, differentiable in the parameters."""
    total = None
    for name, fisher_values in fisher.items():
        parameter = parameters[name]
        term = (fisher_values.to(parameter.dtype) * (parameter - anchor[name].to(parameter.dtype)) ** 2).sum()
        total = term if total is None else total + term
    if total is None:
        return torch.zeros(())
    return 0.5 * strength * total

"""Validation metrics and sample generations, computed chunk by chunk like the training losses.

All metrics are over the real (target) tokens of the first eval_batches validation batches, at
temperature 1 and on raw logits whatever the method's temperature or standardisation:

- eval/loss: the student's next-token cross-entropy, mean per real token; eval/perplexity its exp.
- eval/ece: expected calibration error of the student's top-1 prediction with 15 equal-width
  confidence bins (Guo et al. 2017, "On Calibration of Modern Neural Networks", eq. 3), token level:
  sum over bins of |accuracy - mean confidence| weighted by the bin's share of tokens.
- eval/kl (with a teacher): KL(teacher || student), mean per real token.
- eval/top1_agreement (with a teacher): share of real tokens where both models' most likely next
  token is the same.
"""

import math
from typing import Any

import torch
from transformers import PreTrainedTokenizerBase

from engine.core.data import TokenBlocks, keep_end, validation_batches
from engine.core.losses import IGNORE_INDEX
from engine.core.stops import cut_at_stop, stop_token_ids
from engine.models import final_hidden_states, output_layer

CALIBRATION_BINS = 15


@torch.no_grad()
def evaluate(
    student: torch.nn.Module,
    blocks: TokenBlocks,
    *,
    batch_size: int,
    max_batches: int,
    chunk_size: int,
    teacher: torch.nn.Module | None = None,
    vocab_size: int | None = None,
    calibration: list[dict[str, float]] | None = None,
) -> dict[str, float]:
    """The eval/ metrics of the module docstring (the caller sets autocast, if any).

    The teacher comparisons are over token ids below `vocab_size` (default: the rows both output
    layers have), so a checkpoint's padding rows do not enter them.

    When `calibration` is a list, it receives the reliability diagram behind eval/ece: one
    {'lower', 'upper', 'count', 'confidence', 'accuracy'} dict per confidence bin (mean confidence
    and share of correct top-1 predictions of the tokens in the bin; 0 for an empty bin).
    """
    student.eval()
    device = next(student.parameters()).device
    student_head = output_layer(student)
    teacher_head = output_layer(teacher) if teacher is not None else None
    if teacher is not None and vocab_size is None:
        vocab_size = min(student_head.weight.shape[0], teacher_head.weight.shape[0])
    totals = torch.zeros(3, dtype=torch.float64, device=device)  # cross-entropy, KL, top-1 agreements
    bin_tokens, bin_confidence, bin_correct = (
        torch.zeros(CALIBRATION_BINS, dtype=torch.float64, device=device) for _ in range(3)
    )
    for batch in validation_batches(blocks, batch_size, max_batches):
        batch = batch.to(device)
        labels = batch.labels.reshape(-1)
        real = labels != IGNORE_INDEX
        hidden = final_hidden_states(student, batch.input_ids, batch.attention_mask)
        hidden = hidden.reshape(-1, hidden.shape[-1])[real]
        if teacher is not None:
            teacher_hidden = final_hidden_states(teacher, batch.input_ids, batch.attention_mask)
            teacher_hidden = teacher_hidden.reshape(-1, teacher_hidden.shape[-1])[real]
        labels = labels[real]
        for start in range(0, labels.shape[0], chunk_size):
            rows = slice(start, start + chunk_size)
            student_logits = student_head(hidden[rows]).float()
            log_q = torch.log_softmax(student_logits, dim=-1)
            totals[0] -= log_q.gather(-1, labels[rows, None]).sum()
            top_log_q, prediction = log_q.max(-1)
            confidence = top_log_q.exp().double()
            bins = ((confidence * CALIBRATION_BINS).ceil().long() - 1).clamp(0, CALIBRATION_BINS - 1)
            bin_tokens.index_add_(0, bins, torch.ones_like(confidence))
            bin_confidence.index_add_(0, bins, confidence)
            bin_correct.index_add_(0, bins, (prediction == labels[rows]).double())
            if teacher is not None:
                log_p = torch.log_softmax(teacher_head(teacher_hidden[rows])[:, :vocab_size].float(), dim=-1)
                log_q_shared = torch.log_softmax(student_logits[:, :vocab_size], dim=-1)
                totals[1] += (log_p.exp() * (log_p - log_q_shared)).sum()
                totals[2] += (log_p.argmax(-1) == log_q_shared.argmax(-1)).sum()
    student.train()

    tokens = max(float(bin_tokens.sum()), 1.0)
    cross_entropy, kl, agreements = (float(value) / tokens for value in totals)
    metrics = {
        "eval/loss": cross_entropy,
        "eval/perplexity": math.exp(cross_entropy) if cross_entropy < 700 else math.inf,
        "eval/ece": float((bin_correct - bin_confidence).abs().sum()) / tokens,
    }
    if teacher is not None:
        metrics |= {"eval/kl": kl, "eval/top1_agreement": agreements}
    if calibration is not None:
        for index in range(CALIBRATION_BINS):
            count = float(bin_tokens[index])
            calibration.append({
                "lower": index / CALIBRATION_BINS, "upper": (index + 1) / CALIBRATION_BINS, "count": int(count),
                "confidence": float(bin_confidence[index]) / count if count else 0.0,
                "accuracy": float(bin_correct[index]) / count if count else 0.0,
            })
    return metrics


@torch.no_grad()
def generate_samples(
    model: torch.nn.Module,
    tokenizer: PreTrainedTokenizerBase,
    prompts: list[list[int]],
    *,
    max_new_tokens: int,
    block_size: int,
) -> list[dict[str, Any]]:
    """Greedy completions of each prompt, [{'prompt': text, 'completion': text}], within block_size.

    A prompt longer than half the block keeps its BOS and its last tokens, half a block in all. A completion ends at
    the model's stop tokens (engine.core.stops: its generation_config's eos ids and the
    tokenizer's EOS), which it does not show.
    """
    model.eval()
    device = next(model.parameters()).device
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    stop_ids = stop_token_ids(model, tokenizer)
    samples = []
    for prompt in prompts:
        prompt = keep_end(prompt, block_size // 2, tokenizer)
        input_ids = torch.tensor([prompt], device=device)
        output = model.generate(
            input_ids=input_ids, attention_mask=torch.ones_like(input_ids), do_sample=False,
            max_new_tokens=min(max_new_tokens, block_size - len(prompt)), pad_token_id=pad_id,
            eos_token_id=stop_ids or None,
        )
        completion = cut_at_stop(output[0, len(prompt):].tolist(), stop_ids, keep_stop=False)
        samples.append({
            "prompt": tokenizer.decode(prompt),
            "completion": tokenizer.decode(completion, skip_special_tokens=True),
        })
    model.train()
    return samples

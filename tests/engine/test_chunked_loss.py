"""The chunked (fused-linear) distillation loss against the plain one on full logits."""

import zlib

import pytest
import torch
from torch import nn
from torch.utils._python_dispatch import TorchDispatchMode

from engine.core.losses import IGNORE_INDEX
from engine.methods.distillation.chunked import chunked_distillation_loss
from engine.methods.distillation.losses import distillation_loss
from tests.engine.test_losses import VARIANT_IDS, VARIANTS, settings_for


def make_models(tokens, student_width, teacher_width, vocab, mask, seed, dtype=torch.float64, bias=True):
    generator = torch.Generator().manual_seed(seed)
    student_hidden = torch.randn(*tokens, student_width, generator=generator, dtype=dtype).requires_grad_()
    teacher_hidden = torch.randn(*tokens, teacher_width, generator=generator, dtype=dtype)
    torch.manual_seed(seed)
    student_head = nn.Linear(student_width, vocab, bias=bias, dtype=dtype)
    teacher_head = nn.Linear(teacher_width, vocab, bias=bias, dtype=dtype).requires_grad_(False)
    with torch.no_grad():
        student_head.weight.mul_(4)
        teacher_head.weight.mul_(4)
    labels = torch.randint(0, vocab, tokens, generator=generator)
    if mask == "random":
        labels[torch.rand(tokens, generator=generator) < 0.3] = IGNORE_INDEX
    elif mask == "all":
        labels[...] = IGNORE_INDEX
    return student_hidden, student_head, teacher_hidden, teacher_head, labels


def gradients(hidden, head):
    return [hidden.grad, head.weight.grad] + ([head.bias.grad] if head.bias is not None else [])


def run_both(inputs, settings, chunk_size, num_tokens=None):
    """(chunked result, its gradients, plain result, its gradients) on copies of the same inputs."""
    student_hidden, student_head, teacher_hidden, teacher_head, labels = inputs
    plain_hidden = student_hidden.detach().clone().requires_grad_()
    plain_head = nn.Linear(student_head.in_features, student_head.out_features, bias=student_head.bias is not None,
                           dtype=student_head.weight.dtype)
    plain_head.load_state_dict(student_head.state_dict())

    chunked = chunked_distillation_loss(student_hidden, student_head, teacher_hidden, teacher_head, labels, settings,
                                        chunk_size=chunk_size, num_tokens=num_tokens)
    chunked.loss.backward()
    with torch.no_grad():
        teacher_logits = teacher_head(teacher_hidden)
    plain = distillation_loss(plain_head(plain_hidden), teacher_logits, labels, settings, num_tokens=num_tokens)
    plain.loss.backward()
    return chunked, gradients(student_hidden, student_head), plain, gradients(plain_hidden, plain_head)


@pytest.mark.parametrize("name,parameter", VARIANTS, ids=VARIANT_IDS)
@pytest.mark.parametrize("tokens,chunk_size", [((2, 9), 1), ((2, 9), 4), ((3, 7), 7), ((1, 13), 1024), ((5,), 2)])
@pytest.mark.parametrize("mask", ["none", "random"])
def test_chunked_equals_plain_in_float64_in_value_and_every_gradient(name, parameter, tokens, chunk_size, mask):
    inputs = make_models(tokens, 6, 10, 17, mask, seed=zlib.crc32(repr((name, tokens, chunk_size, mask)).encode()))
    settings = settings_for(name, parameter, alpha=0.25, temperature=1.5, standardize=chunk_size % 2 == 0)

    chunked, chunked_grads, plain, plain_grads = run_both(inputs, settings, chunk_size)

    for got, want in zip(chunked, plain):
        torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-12)
    for got, want in zip(chunked_grads, plain_grads):
        torch.testing.assert_close(got, want, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name,parameter", VARIANTS, ids=VARIANT_IDS)
def test_chunked_equals_plain_in_float32(name, parameter):
    inputs = make_models((4, 16), 32, 48, 257, "random", seed=5, dtype=torch.float32, bias=False)

    chunked, chunked_grads, plain, plain_grads = run_both(inputs, settings_for(name, parameter), chunk_size=10)

    for got, want in zip(chunked, plain):
        torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)
    for got, want in zip(chunked_grads, plain_grads):
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name,parameter", [("forward_kl", None), ("jsd", 0.5), ("taid", 0.4)])
def test_chunked_equals_plain_under_bfloat16_autocast_with_a_bfloat16_teacher(name, parameter):
    student_hidden, student_head, teacher_hidden, teacher_head, labels = make_models(
        (4, 16), 32, 48, 257, "random", seed=6, dtype=torch.float32, bias=False)
    inputs = (student_hidden, student_head, teacher_hidden.bfloat16(), teacher_head.bfloat16(), labels)

    with torch.autocast("cpu", dtype=torch.bfloat16):
        chunked, chunked_grads, plain, plain_grads = run_both(inputs, settings_for(name, parameter), chunk_size=10)

    assert chunked.loss.dtype == torch.float32 and student_head.weight.grad.dtype == torch.float32
    for got, want in zip(chunked, plain):
        torch.testing.assert_close(got, want, rtol=2e-3, atol=1e-4)
    for got, want in zip(chunked_grads, plain_grads):
        # The plain weight gradient is one bfloat16 matmul over all tokens; the chunked one sums
        # per-chunk bfloat16 products in float32, so they differ by bfloat16 rounding.
        torch.testing.assert_close(got, want, rtol=2e-2, atol=2e-4)


def test_the_step_token_count_makes_chunked_micro_batches_add_up_to_the_whole_batch():
    student_hidden, student_head, teacher_hidden, teacher_head, labels = make_models((4, 6), 5, 7, 11, "random", seed=8)
    settings = settings_for("skew_reverse_kl", 0.1)
    step_tokens = int((labels != IGNORE_INDEX).sum())

    whole = chunked_distillation_loss(student_hidden, student_head, teacher_hidden, teacher_head, labels, settings,
                                      chunk_size=3)
    halves = [chunked_distillation_loss(student_hidden[rows], student_head, teacher_hidden[rows], teacher_head,
                                        labels[rows], settings, chunk_size=3, num_tokens=step_tokens)
              for rows in (slice(0, 1), slice(1, 4))]

    for index in range(3):
        torch.testing.assert_close(halves[0][index] + halves[1][index], whole[index])


@pytest.mark.parametrize("name,parameter", VARIANTS, ids=VARIANT_IDS)
def test_an_all_masked_batch_gives_zero_and_zero_gradients(name, parameter):
    student_hidden, student_head, teacher_hidden, teacher_head, labels = make_models((2, 5), 4, 6, 9, "all", seed=9)

    result = chunked_distillation_loss(student_hidden, student_head, teacher_hidden, teacher_head, labels,
                                       settings_for(name, parameter, standardize=True), chunk_size=4)
    result.loss.backward()

    assert [value.item() for value in result] == [0.0, 0.0, 0.0]
    assert all(torch.equal(gradient, torch.zeros_like(gradient))
               for gradient in gradients(student_hidden, student_head))


class LargestTensor(TorchDispatchMode):
    """Records the largest tensor any operation produces while active."""

    def __init__(self):
        super().__init__()
        self.numel = 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        output = func(*args, **(kwargs or {}))
        for tensor in output if isinstance(output, (tuple, list)) else [output]:
            if isinstance(tensor, torch.Tensor):
                self.numel = max(self.numel, tensor.numel())
        return output


def test_no_tensor_of_all_tokens_by_the_vocabulary_exists_in_the_forward_or_backward_pass():
    tokens, chunk_size, vocab, width = 64, 8, 50, 6
    student_hidden, student_head, teacher_hidden, teacher_head, labels = make_models(
        (tokens,), width, width, vocab, "none", seed=10, dtype=torch.float32)

    with LargestTensor() as largest:
        result = chunked_distillation_loss(student_hidden, student_head, teacher_hidden, teacher_head, labels,
                                           settings_for("jsd", 0.5, standardize=True), chunk_size=chunk_size)
        result.loss.backward()

    assert largest.numel == max(chunk_size * vocab, vocab * width, tokens * width) < tokens * vocab


def test_models_with_different_vocabularies_or_an_adapted_output_layer_are_refused():
    student_hidden, student_head, teacher_hidden, _, labels = make_models((2, 3), 4, 4, 9, "none", seed=11)
    settings = settings_for("forward_kl", None)

    # Output layers of different sizes are compared only over a vocabulary the caller names (vocab_size).
    with pytest.raises(ValueError, match=r"student's output layer has 9 rows and the teacher's 10: give vocab_size"):
        chunked_distillation_loss(student_hidden, student_head, teacher_hidden, nn.Linear(4, 10, dtype=torch.float64),
                                  labels, settings, chunk_size=2)
    with pytest.raises(ValueError, match="not a plain linear layer"):
        chunked_distillation_loss(student_hidden, nn.Sequential(student_head), teacher_hidden, student_head, labels,
                                  settings, chunk_size=2)


def test_output_layers_padded_differently_are_compared_over_the_tokenizers_vocabulary_only():
    # A checkpoint pads its embedding past the tokenizer (Qwen2.5 7B: 152,064 rows, 0.5B: 151,936).
    # Padding rows with large logits would dominate both softmaxes if they entered them.
    vocab = 13
    student_hidden, student_head, teacher_hidden, teacher_head, labels = make_models((3, 5), 6, 10, vocab, "random",
                                                                                     seed=11)
    torch.manual_seed(12)
    padded_student = nn.Linear(6, vocab + 3, dtype=torch.float64)
    padded_teacher = nn.Linear(10, vocab + 11, dtype=torch.float64).requires_grad_(False)
    with torch.no_grad():
        for padded, head in ((padded_student, student_head), (padded_teacher, teacher_head)):
            padded.weight[:vocab], padded.bias[:vocab] = head.weight, head.bias
            padded.bias[vocab:] = 60.0
    settings = settings_for("forward_kl", None, temperature=2.0, alpha=0.4)

    got = chunked_distillation_loss(student_hidden, padded_student, teacher_hidden, padded_teacher, labels, settings,
                                    chunk_size=4, vocab_size=vocab)
    got.loss.backward()
    reference_hidden = student_hidden.detach().clone().requires_grad_()
    expected = distillation_loss(student_head(reference_hidden), teacher_head(teacher_hidden), labels, settings)
    expected.loss.backward()

    torch.testing.assert_close(got.loss, expected.loss, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(student_hidden.grad, reference_hidden.grad, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(padded_student.weight.grad[:vocab], student_head.weight.grad, rtol=1e-10, atol=1e-12)
    torch.testing.assert_close(padded_student.bias.grad[:vocab], student_head.bias.grad, rtol=1e-10, atol=1e-12)
    assert bool((padded_student.weight.grad[vocab:] == 0).all()) and bool((padded_student.bias.grad[vocab:] == 0).all())


def test_output_layers_of_different_sizes_need_the_vocabulary_size():
    inputs = make_models((2, 3), 4, 4, 9, "none", seed=2)
    student_hidden, student_head, teacher_hidden, _, labels = inputs
    wider_teacher = nn.Linear(4, 12, dtype=torch.float64)

    with pytest.raises(ValueError, match="give vocab_size"):
        chunked_distillation_loss(student_hidden, student_head, teacher_hidden, wider_teacher, labels,
                                  settings_for("forward_kl", None), chunk_size=4)
    with pytest.raises(ValueError, match="both need one per token"):
        chunked_distillation_loss(student_hidden, student_head, teacher_hidden, wider_teacher, labels,
                                  settings_for("forward_kl", None), chunk_size=4, vocab_size=10)

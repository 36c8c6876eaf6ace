"""The frozen reference model of alignment methods (pi_ref).

One role covers what the methods need: the initial policy (the student as the run starts, the
default), another registered model, or a uniform soup of checkpoints (ModelSpec.soup; SALSA's
reference). The reference is loaded frozen, in eval mode, in the run's inference dtype; that it has
the student's vocabulary is checked with the run's other models (engine.core.model_checks).
"""

import torch
from transformers import PreTrainedModel, PreTrainedTokenizerBase

from engine.models import load_causal_lm
from engine.spec import ModelSpec, RunSpec


def describe_reference(spec: RunSpec) -> str:
    """One line for the run's log and for cache keys: where the reference comes from."""
    reference = spec.reference
    if reference is None:
        return f"the initial policy ({_describe(spec.student)})"
    return _describe(reference)


def _describe(model: ModelSpec) -> str:
    if model.path is not None:
        return f"path {model.path}"
    if model.hub_id is not None:
        return f"hub {model.hub_id}"
    if model.soup is not None:
        return f"uniform soup of {', '.join(model.soup)}"
    return f"config-built {model.config.get('model_type')} (seeded)"


def load_reference(spec: RunSpec, tokenizer: PreTrainedTokenizerBase, dtype: torch.dtype) -> PreTrainedModel:
    """The frozen reference policy for `spec`.

    With no spec.reference it is the student as the run starts: loaded again from the student's
    spec, not from resume_from, so a resumed run keeps the reference of its first attempt. A
    config-built student gets the same weights because they are drawn from the run's seed in a
    forked random state (the recipe seeds and builds the student the same way).
    """
    # A config-built model's weights come from the random state: draw them from the run's seed in a
    # forked state, so every attempt of the run (and the reference-log-prob cache) gets the same model.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(spec.seed)
        if spec.reference is not None:
            reference = load_causal_lm(spec.reference, role="reference", vocab_size=len(tokenizer))
        else:
            reference = load_causal_lm(spec.student, role="reference (initial policy)", vocab_size=len(tokenizer))
    reference.eval()
    reference.requires_grad_(False)
    return reference.to(dtype)

"""What the strategies do to the weights themselves: HFT's choice of frozen modules, and the
weight averaging of WiSE-FT and model soups (tested against float64 references).
"""

import random
import re
from pathlib import Path
from typing import Callable

import torch
from safetensors.torch import load_file

from engine.errors import EngineError

HFT_ATTENTION = ("q_proj", "k_proj", "v_proj", "o_proj")
HFT_MLP = ("gate_proj", "up_proj", "down_proj")
HFT_NORMS = ("input_layernorm", "post_attention_layernorm")
_MODULE_PREFIX = {**{name: "self_attn." for name in HFT_ATTENTION}, **{name: "mlp." for name in HFT_MLP},
                  **{name: "" for name in HFT_NORMS}}


def hft_selection(num_layers: int, seed: int) -> list[list[str]]:
    """The modules HFT freezes in each layer (Hui et al. 2024, arXiv:2404.18466; METHODS.md
    section 6): 2 of the 4 attention projections in every layer; 2 of the 3 MLP projections in a
    random num_layers // 2 of the layers and 1 in the others; 1 of the 2 norms. Drawn from
    random.Random(seed), so the same seed gives the same selection."""
    rng = random.Random(seed)
    two_mlp_layers = set(rng.sample(range(num_layers), num_layers // 2))
    selection = []
    for layer in range(num_layers):
        frozen = sorted(rng.sample(HFT_ATTENTION, 2))
        frozen += sorted(rng.sample(HFT_MLP, 2 if layer in two_mlp_layers else 1))
        frozen.append(rng.choice(HFT_NORMS))
        selection.append(frozen)
    return selection


def decoder_layers_prefix(model: torch.nn.Module) -> tuple[str, int]:
    names = {name for name, _ in model.named_parameters()}
    prefixes = sorted({match.group(1) for name in names if (match := re.match(r"(.*\blayers\.)\d+\.", name))})
    num_layers = getattr(getattr(model, "config", None), "num_hidden_layers", None)
    expected = [f"{layer}.{_MODULE_PREFIX[module]}{module}.weight" for layer in range(num_layers or 0)
                for module in (*HFT_ATTENTION, *HFT_MLP, *HFT_NORMS)]
    for prefix in prefixes:
        if num_layers and all(prefix + name in names for name in expected):
            return prefix, num_layers
    raise EngineError(
        f"cl_hft supports llama-style decoder layers (self_attn.q_proj, k_proj, v_proj, o_proj; "
        f"mlp.gate_proj, up_proj, down_proj; input_layernorm, post_attention_layernorm), as in "
        f"Llama, Mistral and Qwen2; the {type(model).__name__} has other parameter names: choose "
        "such a student or another continual method"
    )


def hft_frozen_parameters(model: torch.nn.Module, seed: int) -> list[str]:
    """Names of the parameters (weights and any biases) of the modules hft_selection(seed) freezes."""
    prefix, num_layers = decoder_layers_prefix(model)
    modules = [f"{prefix}{layer}.{_MODULE_PREFIX[module]}{module}."
               for layer, frozen in enumerate(hft_selection(num_layers, seed)) for module in frozen]
    return [name for name, _ in model.named_parameters() if any(name.startswith(module) for module in modules)]


# --- Weight averaging -------------------------------------------------------------------------


def float_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The model's floating-point weights and buffers, copied to the CPU."""
    return {name: tensor.detach().cpu().clone() for name, tensor in model.state_dict().items()
            if tensor.is_floating_point()}


def interpolate(start: dict[str, torch.Tensor], tuned: dict[str, torch.Tensor],
                alpha: float) -> dict[str, torch.Tensor]:
    """WiSE-FT (Wortsman et al. 2022, arXiv:2109.01903, eq. 1): (1 - alpha) theta_start + alpha
    theta_tuned per tensor, computed in float64 and returned in the tuned tensors' dtype."""
    return {name: ((1 - alpha) * start[name].double() + alpha * tensor.double()).to(tensor.dtype)
            for name, tensor in tuned.items()}


def uniform_average(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """A uniform model soup (Wortsman et al. 2022, arXiv:2203.05482): the mean of each tensor, in float64."""
    return {name: (sum(state[name].double() for state in states) / len(states)).to(tensor.dtype)
            for name, tensor in states[0].items()}


def greedy_soup(scores: list[float], soup_score: Callable[[list[int]], float]) -> list[int]:
    """The greedy soup of Wortsman et al. 2022 (arXiv:2203.05482, Algorithm 1; METHODS.md section 2,
    as in mlfoundations/model-soups): ingredients sorted by their own held-out score, best first
    (ties keep the earlier ingredient first); the best starts the soup; each next one is added
    only if the uniform soup with it scores strictly higher than the soup so far.

    Args:
        scores: each ingredient's own held-out score (higher is better).
        soup_score: the held-out score of the uniform soup of the given ingredient indices.

    Returns: the chosen ingredient indices, in the order they were added.
    """
    order = sorted(range(len(scores)), key=lambda index: -scores[index])
    chosen, best = [order[0]], scores[order[0]]
    for candidate in order[1:]:
        score = soup_score(chosen + [candidate])
        if score > best:
            chosen, best = chosen + [candidate], score
    return chosen


def load_float_state(path: Path) -> dict[str, torch.Tensor]:
    """The floating-point tensors of a save_pretrained directory, one file or sharded (transformers
    splits weights over several files above its max_shard_size, 5 GB by default)."""
    files = [path / "model.safetensors"] if (path / "model.safetensors").is_file() else sorted(
        path.glob("model-*-of-*.safetensors"))
    if not files:
        raise EngineError(f"{path} holds no model.safetensors weights (single or sharded)")
    state: dict[str, torch.Tensor] = {}
    for file in files:
        state.update(load_file(file))
    return {name: tensor for name, tensor in state.items() if tensor.is_floating_point()}

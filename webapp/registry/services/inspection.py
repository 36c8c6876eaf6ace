"""Model inspection: a worker builds the model on the meta device and records its facts."""
from __future__ import annotations

from webapp.registry.models import ModelAsset

INSPECT_TASK = "worker.tasks.model_inspect"


def model_inspection_enqueue(*, model: ModelAsset) -> None:
    """A worker builds the model (on the meta device) once and records what it found."""
    from webapp.common.tasks import LIGHT_QUEUE, enqueue

    enqueue(INSPECT_TASK, model.id, queue=LIGHT_QUEUE)


def model_inspection_record(*, model: ModelAsset, facts: dict) -> None:
    from django.utils import timezone

    if "error" in facts:
        ModelAsset.objects.filter(pk=model.pk).update(inspection_error=facts["error"][:2000],
                                                      inspected_at=timezone.now())
        return
    ModelAsset.objects.filter(pk=model.pk).update(
        architecture=facts["architecture"], parameter_count=facts["parameter_count"], vocab_size=facts["vocab_size"],
        dtype=facts["dtype"], has_tokenizer=facts["has_tokenizer"],
        tokenizer_fingerprint=facts.get("tokenizer_fingerprint") or "", max_positions=facts.get("max_positions"),
        has_chat_template=facts.get("has_chat_template"), linear_modules=facts.get("linear_modules"),
        inspection_error="",
        inspected_at=timezone.now(),
    )

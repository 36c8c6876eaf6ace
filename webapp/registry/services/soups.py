"""Model soups: uniform weight averages of registered models."""
from __future__ import annotations

from django.db import transaction

from webapp.accounts.models import User, Workspace
from webapp.accounts.selectors import require_write
from webapp.common.errors import Invalid
from webapp.registry.models import ModelAsset, ModelSource, SoupIngredient
from webapp.registry.services.inspection import model_inspection_enqueue
from webapp.registry.services.models import check_unique_model_name

MIN_INGREDIENTS, MAX_INGREDIENTS = 2, 64  # the engine's ModelSpec.soup bounds


def model_register_soup(*, workspace: Workspace, user: User, name: str, ingredients: list[int]) -> ModelAsset:
    """A model soup: the uniform weight average of two or more registered models with weights, of one
    architecture and vocabulary (Wortsman et al. 2022). The engine averages the ingredients when a
    run loads the soup; nothing is written here. The soup's facts are its first ingredient's."""
    require_write(user=user, workspace=workspace)
    check_unique_model_name(workspace, name)
    if not isinstance(ingredients, list) or not MIN_INGREDIENTS <= len(ingredients) <= MAX_INGREDIENTS:
        raise Invalid(f"A soup needs between {MIN_INGREDIENTS} and {MAX_INGREDIENTS} ingredients (model ids).",
                      field="ingredients")
    if len(set(ingredients)) != len(ingredients):
        raise Invalid("An ingredient is listed twice: list each model once (a soup averages uniformly).",
                      field="ingredients")
    found = {m.id: m for m in ModelAsset.objects.filter(workspace=workspace, pk__in=ingredients)}
    missing = [str(pk) for pk in ingredients if pk not in found]
    if missing:
        raise Invalid(f"There is no model with id {', '.join(missing)} in '{workspace.slug}'.", field="ingredients")
    chosen = [found[pk] for pk in ingredients]
    for model in chosen:
        if model.source == ModelSource.SOUP:
            raise Invalid(f"'{model.name}' is itself a soup: list its ingredients instead.", field="ingredients")
        if not model.path:
            why = {ModelSource.IMPORTED: "came with imported run history",
                   ModelSource.HUB: "is a hub model the engine resolves by id, not a directory"
                   }.get(model.source, "is built from a config with random weights")
            raise Invalid(f"'{model.name}' {why} and has no weights to average: choose models registered from a "
                          "directory, an upload or a run.", field="ingredients")
    first = chosen[0]
    for model in chosen[1:]:
        for fact, label in (("architecture", "architecture"), ("vocab_size", "vocabulary size"),
                            ("parameter_count", "parameter count")):
            mine, theirs = getattr(first, fact), getattr(model, fact)
            if mine and theirs and mine != theirs:
                raise Invalid(f"'{model.name}' has {label} {theirs} but '{first.name}' has {mine}: a soup averages "
                              "the weights of models of one architecture and shape (checkpoints of one run, or "
                              "fine-tunes of one base model).", field="ingredients")
    with transaction.atomic():
        soup = ModelAsset.objects.create(
            workspace=workspace, name=name, source=ModelSource.SOUP, tokenizer_path=first.tokenizer_path,
            architecture=first.architecture, parameter_count=first.parameter_count, vocab_size=first.vocab_size,
            dtype=first.dtype, has_tokenizer=first.has_tokenizer, tokenizer_fingerprint=first.tokenizer_fingerprint,
            max_positions=first.max_positions, has_chat_template=first.has_chat_template,
            linear_modules=first.linear_modules, created_by=user,
        )
        SoupIngredient.objects.bulk_create([SoupIngredient(soup=soup, ingredient=model, position=position)
                                            for position, model in enumerate(chosen)])
        model_inspection_enqueue(model=soup)
    return soup

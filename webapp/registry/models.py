"""Models (weights a run can load) and datasets (files a run trains or evaluates on)."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from webapp.accounts.models import Workspace


class ModelSource(models.TextChoices):
    CONFIG = "config", "Built from a config"
    PATH = "path", "Server-local directory"
    UPLOAD = "upload", "Uploaded"
    RUN = "run", "Produced by a run"
    IMPORTED = "imported", "Imported history (no weights)"
    SOUP = "soup", "Model soup (uniform weight average of registered models)"
    HUB = "hub", "Hugging Face hub id (read from the server's local cache)"


class ModelAsset(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="models")
    name = models.CharField(max_length=100)
    source = models.CharField(max_length=10, choices=ModelSource.choices)
    # A Hugging Face model directory (path, upload, run), or empty for config-built models.
    path = models.CharField(max_length=500, blank=True)
    # The transformers config dict of a config-built model.
    config = models.JSONField(null=True, blank=True)
    tokenizer_path = models.CharField(max_length=500, blank=True)
    # A Hugging Face hub id ("org/name") resolved through the local cache by whoever loads it (source=hub).
    hub_id = models.CharField(max_length=200, blank=True)
    architecture = models.CharField(max_length=100, blank=True)
    parameter_count = models.BigIntegerField(null=True, blank=True)
    vocab_size = models.IntegerField(null=True, blank=True)
    dtype = models.CharField(max_length=20, blank=True)
    has_tokenizer = models.BooleanField(null=True)
    # engine.models.tokenizer_fingerprint of the model's tokenizer, from inspection; empty when unknown.
    # Token-level methods compare it, not vocab_size: checkpoints pad their embeddings differently.
    tokenizer_fingerprint = models.CharField(max_length=64, blank=True)
    # More facts from inspection that RunSpec validation judges a run's models by (engine.facts.ModelFacts);
    # null when unknown (models inspected before they were recorded), which leaves them to the engine at start.
    max_positions = models.IntegerField(null=True, blank=True)
    has_chat_template = models.BooleanField(null=True)
    linear_modules = models.JSONField(null=True, blank=True)
    inspected_at = models.DateTimeField(null=True, blank=True, help_text="When a worker last inspected the model.")
    inspection_error = models.TextField(blank=True)
    produced_by_run = models.ForeignKey(
        "runs.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="produced_models"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # A soup's ingredients, in the order they were given (the first one's config describes the soup);
    # `soups` on an ingredient lists the soups made from it.
    ingredients = models.ManyToManyField(
        "self", symmetrical=False, through="SoupIngredient", through_fields=("soup", "ingredient"),
        related_name="soups", blank=True,
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="unique_model_name_per_workspace")]

    def __str__(self) -> str:
        return self.name


class SoupIngredient(models.Model):
    """One ingredient of a model soup, at its position in the soup's ordered list."""

    soup = models.ForeignKey(ModelAsset, on_delete=models.CASCADE, related_name="ingredient_links")
    ingredient = models.ForeignKey(ModelAsset, on_delete=models.PROTECT, related_name="soup_links")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["soup", "position"], name="one_ingredient_per_position"),
            models.UniqueConstraint(fields=["soup", "ingredient"], name="ingredient_once_per_soup"),
        ]


class DatasetKind(models.TextChoices):
    TEXT = "text", "Text"
    PROMPT_COMPLETION = "prompt-completion", "Prompt / completion"
    CHAT = "chat", "Chat"
    PREFERENCE = "preference", "Preference"
    CLASSIFICATION = "classification", "Classification"
    TASK_SEQUENCE = "task-sequence", "Task sequence (continual learning)"


# Kinds whose rows are token sequences; the members of a task sequence must be one of these.
TOKEN_KINDS = (DatasetKind.TEXT, DatasetKind.PROMPT_COMPLETION, DatasetKind.CHAT)


class Dataset(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=DatasetKind.choices)
    format = models.CharField(max_length=10, default="jsonl")
    file = models.CharField(max_length=500, help_text="Path of the stored file under ARTIFACT_ROOT.")
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField()
    size_bytes = models.BigIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name", "version"], name="unique_dataset_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class DatasetTask(models.Model):
    """One task of a task-sequence dataset: its name and its training and validation datasets.
    The sequence's own file is a JSON Lines manifest of these rows (for preview and hashing);
    the rows are what a run reads."""

    sequence = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    train_dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+")
    validation_dataset = models.ForeignKey(Dataset, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["sequence", "position"], name="one_task_per_position"),
            models.UniqueConstraint(fields=["sequence", "name"], name="unique_task_name_per_sequence"),
        ]


class DatasetTokenStats(models.Model):
    """Token-length statistics of a dataset under one tokenizer, computed once and kept."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="token_stats")
    tokenizer_path = models.CharField(max_length=500)
    stats = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "tokenizer_path"], name="one_stats_per_tokenizer")]


class DatasetImport(models.Model):
    """A dataset being imported by a worker from the Hugging Face datasets cache (by id) or from a
    dataset saved with `save_to_disk` in a server directory under the allowed roots."""

    STATUSES = [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")]

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="dataset_imports")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=20, choices=DatasetKind.choices)
    hub_id = models.CharField(max_length=200, blank=True)
    path = models.CharField(max_length=500, blank=True)
    split = models.CharField(max_length=50, default="train")
    status = models.CharField(max_length=10, choices=STATUSES, default="queued")
    error_message = models.TextField(blank=True)
    dataset = models.ForeignKey(Dataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

"""A run is one training job; its metrics, log lines and artifacts hang off it."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from webapp.accounts.models import Workspace


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINAL_STATUSES = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED})


class Sweep(models.Model):
    """A group of runs over a grid or a random sample of named config fields, ranked by one metric."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="sweeps")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=200)
    method = models.CharField(max_length=60)
    strategy = models.CharField(max_length=10, choices=[("grid", "Grid"), ("random", "Random")])
    parameters = models.JSONField(help_text='{"config.training.learning_rate": [1e-3, 3e-3], ...}')
    metric = models.CharField(max_length=120, default="eval/loss")
    goal = models.CharField(max_length=3, choices=[("min", "Minimise"), ("max", "Maximise")], default="min")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Run(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="runs")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="runs")
    name = models.CharField(max_length=200)
    method = models.CharField(max_length=60)
    config = models.JSONField(default=dict, help_text="The method's hyperparameters, as validated by the engine.")
    student = models.ForeignKey("registry.ModelAsset", on_delete=models.PROTECT, related_name="runs_as_student")
    teacher = models.ForeignKey(
        "registry.ModelAsset", null=True, blank=True, on_delete=models.PROTECT, related_name="runs_as_teacher"
    )
    reference = models.ForeignKey(
        "registry.ModelAsset", null=True, blank=True, on_delete=models.PROTECT, related_name="runs_as_reference",
        help_text="The frozen reference policy of alignment methods; empty: the student as it starts.",
    )
    train_dataset = models.ForeignKey("registry.Dataset", on_delete=models.PROTECT, related_name="runs_training")
    validation_dataset = models.ForeignKey(
        "registry.Dataset", null=True, blank=True, on_delete=models.PROTECT, related_name="runs_validating"
    )
    replay_dataset = models.ForeignKey(
        "registry.Dataset", null=True, blank=True, on_delete=models.PROTECT, related_name="runs_replaying",
        help_text="Continual learning: general text replayed alongside every task.",
    )
    resources = models.JSONField(
        default=dict, help_text='{"gpus": N, "nodes": M}: N GPUs on each of M hosts (default 1); 0 GPUs runs on CPU.')
    seed = models.IntegerField(default=0)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=200, blank=True, help_text="Hostname of the worker holding the run.")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested = models.BooleanField(default=False)
    attempt = models.PositiveIntegerField(default=0)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    sweep = models.ForeignKey(Sweep, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    tags = models.JSONField(default=list, blank=True)
    notes = models.TextField(blank=True)
    starred = models.BooleanField(default=False)
    error_message = models.TextField(blank=True)
    progress_step = models.IntegerField(default=0)
    progress_total = models.IntegerField(default=0)
    eta_s = models.FloatField(null=True, blank=True)
    tokens_per_s = models.FloatField(null=True, blank=True)
    output_dir = models.CharField(max_length=500, blank=True)
    register_model_as = models.CharField(
        max_length=100, blank=True, help_text="When the run succeeds, register its final model under this name."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        # The runs list's default order, so a page of 50 is an index range, not a sort of every run.
        indexes = [models.Index(fields=["workspace", "-created_at", "-id"], name="run_workspace_recent")]

    def __str__(self) -> str:
        return f"{self.name} ({self.method}, {self.status})"


class RunNode(models.Model):
    """One host's share of a run that spans several (resources.nodes > 1): the worker that joined
    it for one attempt, its node rank, and, for node 0, the address the others rendezvous at.
    Node 0's worker holds the run itself (Run.worker, its heartbeat and status); the others keep
    their own heartbeat here, so node 0 notices one that goes silent or leaves."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the other nodes"
        RUNNING = "running", "Running"
        LEAVING = "leaving", "Leaving (its worker is shutting down)"
        EXITED = "exited", "Exited"

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="nodes")
    attempt = models.PositiveIntegerField()
    node_rank = models.PositiveIntegerField()
    worker = models.CharField(max_length=200)
    address = models.CharField(max_length=200, help_text="Address of the worker's host, as the other nodes reach it.")
    port = models.PositiveIntegerField(null=True, blank=True, help_text="Node 0 only: the rendezvous port.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    resume_from = models.CharField(max_length=500, blank=True,
                                   help_text="Node 0 only: the checkpoint every node resumes from (empty: the start).")
    exit_code = models.IntegerField(null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)
    heartbeat_at = models.DateTimeField()

    class Meta:
        ordering = ["attempt", "node_rank"]
        constraints = [models.UniqueConstraint(fields=["run", "attempt", "node_rank"], name="one_worker_per_node")]


class MetricPoint(models.Model):
    """One value of one metric at one step. (run, name, step) is unique, so a resent batch is a no-op.
    That unique index also serves every read (by run, by run and name, in step order), so the
    foreign key gets no index of its own: one index less to maintain per point."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="metric_points", db_index=False)
    name = models.CharField(max_length=120)
    step = models.IntegerField()
    value = models.FloatField()
    wall = models.FloatField(help_text="Unix time the engine measured the value.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "name", "step"], name="one_point_per_step")]


class MetricSummary(models.Model):
    """Per run and metric: updated on ingestion so lists and tables never scan raw points."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="metric_summaries")
    name = models.CharField(max_length=120)
    last = models.FloatField()
    last_step = models.IntegerField()
    min = models.FloatField()
    min_step = models.IntegerField()
    max = models.FloatField()
    max_step = models.IntegerField()
    count = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "name"], name="one_summary_per_metric")]


class RunLogLine(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="log_lines")
    seq = models.IntegerField()
    time = models.FloatField()
    level = models.CharField(max_length=10, default="info")
    message = models.TextField()

    class Meta:
        ordering = ["seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="one_log_line_per_seq")]


class ArtifactKind(models.TextChoices):
    CHECKPOINT = "checkpoint", "Checkpoint"
    MODEL = "model", "Final model"
    TABLE = "table", "Table"
    SAMPLES = "samples", "Samples"


class Artifact(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="artifacts")
    kind = models.CharField(max_length=12, choices=ArtifactKind.choices)
    name = models.CharField(max_length=200)
    path = models.CharField(max_length=500)
    step = models.IntegerField(null=True, blank=True)
    size_bytes = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "path"], name="one_artifact_per_path")]


class Worker(models.Model):
    """A Celery worker process, as its heartbeats describe it."""

    hostname = models.CharField(max_length=200, unique=True)
    queues = models.JSONField(default=list)
    gpus = models.JSONField(default=list, help_text='[{"index": 0, "name": "...", "memory_mb": 81920}]')
    pid = models.IntegerField(null=True)
    current_run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    last_heartbeat = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["hostname"]


class RunTemplate(models.Model):
    """A saved run recipe. Models and datasets are named, not pinned, so a template can refer to a
    model a previous run will produce (the demo's "distill" template uses the teacher that the
    "train the teacher" template registers) and always takes a dataset's newest version."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="run_templates")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    method = models.CharField(max_length=60)
    config = models.JSONField(default=dict)
    student = models.CharField(max_length=100)
    teacher = models.CharField(max_length=100, blank=True)
    reference = models.CharField(max_length=100, blank=True)
    train_dataset = models.CharField(max_length=100)
    validation_dataset = models.CharField(max_length=100, blank=True)
    replay_dataset = models.CharField(max_length=100, blank=True)
    seed = models.IntegerField(default=0)
    register_model_as = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["workspace", "name"], name="unique_template_name")]


class ShareLink(models.Model):
    """A read-only, revocable link to one run or a comparison of runs, usable without an account.
    The token is the capability; it is random (256 bits) and shown to the workspace's members."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200, blank=True)
    runs = models.ManyToManyField(Run, related_name="share_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]


class MetricRollup(models.Model):
    """Pre-aggregated buckets of a metric: steps [bucket * width, (bucket + 1) * width) reduced to
    min, max, last and count. Kept at several widths (ROLLUP_WIDTHS) and updated on ingestion, so
    a chart of a million-point series reads about a thousand rollup rows instead of every point."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="+", db_index=False)
    name = models.CharField(max_length=120)
    width = models.IntegerField()
    bucket = models.IntegerField()
    min = models.FloatField()
    max = models.FloatField()
    last = models.FloatField()
    last_step = models.IntegerField()
    last_wall = models.FloatField()
    count = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "name", "width", "bucket"], name="one_rollup_bucket")]


ROLLUP_WIDTHS = (10, 100, 1000)


class PlaygroundSession(models.Model):
    """The same prompts and sampling settings sent to several models, answered side by side."""

    STATUSES = [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")]

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="playground_sessions")
    creator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    chosen_models = models.ManyToManyField("registry.ModelAsset", related_name="+")
    prompts = models.JSONField()
    sampling = models.JSONField(help_text="max_new_tokens, temperature, top_p, seed")
    status = models.CharField(max_length=10, choices=STATUSES, default="queued")
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class PlaygroundOutput(models.Model):
    session = models.ForeignKey(PlaygroundSession, on_delete=models.CASCADE, related_name="outputs")
    model = models.ForeignKey("registry.ModelAsset", on_delete=models.CASCADE, related_name="+")
    prompt_index = models.IntegerField()
    text = models.TextField(blank=True)
    tokens = models.IntegerField(default=0)
    tokens_per_s = models.FloatField(null=True)
    done = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["prompt_index", "model_id"]
        constraints = [models.UniqueConstraint(fields=["session", "model", "prompt_index"], name="one_output_per_cell")]

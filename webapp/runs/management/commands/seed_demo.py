"""Seeds the demo: a user, a workspace, the standard-library corpus, a tokenizer, tiny teacher and
student models, preference pairs, a two-task continual-learning sequence, and run templates for
the three families (distillation, alignment, continual learning).

Safe to run again: whatever exists is kept. The corpus is built by the engine in a subprocess
(`python -m engine demo-data`), so this command never imports torch.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from webapp.accounts.models import Membership, Role, User, Workspace
from webapp.registry.models import Dataset, ModelAsset
from webapp.registry.services.datasets import dataset_upload
from webapp.registry.services.models import model_register_from_config
from webapp.registry.services.task_sequences import dataset_task_sequence_create
from webapp.runs.models import RunTemplate

USERNAME, PASSWORD, WORKSPACE = "demo", "distillery-demo", "demo"


class Command(BaseCommand):
    help = "Create the demo user, workspace, datasets, models and run templates (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--train-bytes", type=int, default=os.environ.get("DISTILLERY_DEMO_TRAIN_BYTES"),
                            help="Corpus size (default: the engine's, or DISTILLERY_DEMO_TRAIN_BYTES).")

    def handle(self, *args, train_bytes=None, **options):
        demo_dir = Path(settings.MODEL_PATH_ALLOWED_ROOTS[0]) / "demo"
        summary_file = demo_dir / "summary.json"
        if not summary_file.exists():
            self.stdout.write("Building the demo corpus and tokenizer from the standard library...")
            command = [sys.executable, "-m", "engine", "demo-data", str(demo_dir)]
            if train_bytes:
                command += ["--train-bytes", str(train_bytes)]
            output = subprocess.run(command, cwd=settings.BASE_DIR, check=True, capture_output=True, text=True).stdout
            summary_file.write_text(output)
        summary = json.loads(summary_file.read_text())
        with transaction.atomic():
            self._seed(summary)
        self.stdout.write(self.style.SUCCESS(f"Demo ready: workspace '{WORKSPACE}', user {USERNAME} / {PASSWORD}"))

    def _seed(self, summary: dict) -> None:
        user = User.objects.filter(username=USERNAME).first()
        if user is None:
            user = User.objects.create_user(username=USERNAME, password=PASSWORD)
        workspace, _ = Workspace.objects.get_or_create(slug=WORKSPACE, defaults={"name": "Demo"})
        Membership.objects.get_or_create(user=user, workspace=workspace, defaults={"role": Role.OWNER})

        for name, key in (("stdlib-train", "train"), ("stdlib-validation", "validation")):
            if not Dataset.objects.filter(workspace=workspace, name=name).exists():
                with open(summary[key]["path"], "rb") as handle:
                    dataset_upload(workspace=workspace, user=user, name=name, kind="text", upload=handle)
        tokenizer = summary["tokenizer"]["path"]
        for name, key in (("demo-teacher-init", "teacher_config"), ("demo-student", "student_config")):
            if not ModelAsset.objects.filter(workspace=workspace, name=name).exists():
                config = json.loads(Path(summary[key]).read_text())
                model_register_from_config(workspace=workspace, user=user, name=name, config=config,
                                           tokenizer_path=tokenizer)
        specs = {name: json.loads(Path(path).read_text()) for name, path in summary["run_specs"].items()}
        templates = [
            dict(name="train the teacher", method="lm_train", student="demo-teacher-init",
                 register_model_as="demo-teacher", config=specs["teacher"]["config"],
                 description="Trains the demo teacher on the standard-library corpus and registers it as "
                             "'demo-teacher'."),
            dict(name="distill into the student", method="kd_forward_kl", student="demo-student",
                 teacher="demo-teacher", config=specs["distill"]["config"],
                 description="Distils 'demo-teacher' into the small demo student (launch 'train the teacher' first)."),
            dict(name="student without a teacher", method="lm_train", student="demo-student",
                 config=specs["baseline"]["config"],
                 description="The same student trained on the same data without a teacher: the baseline to beat."),
        ]
        for template in templates:
            RunTemplate.objects.get_or_create(
                workspace=workspace, name=template.pop("name"),
                defaults={**template, "train_dataset": "stdlib-train", "validation_dataset": "stdlib-validation"},
            )
        if "preference" in summary:
            self._seed_alignment(workspace, user, summary["preference"])
        if "continual" in summary:
            self._seed_continual(workspace, user, summary["continual"])

    @staticmethod
    def _upload(workspace, user, name: str, kind: str, path: str) -> Dataset:
        existing = Dataset.objects.filter(workspace=workspace, name=name).order_by("-version").first()
        if existing is not None:
            return existing
        with open(path, "rb") as handle:
            return dataset_upload(workspace=workspace, user=user, name=name, kind=kind, upload=handle)[0]

    def _seed_alignment(self, workspace, user, preference: dict) -> None:
        for split in ("train", "validation"):
            self._upload(workspace, user, f"stdlib-preference-{split}", "preference", preference[split]["path"])
        RunTemplate.objects.get_or_create(workspace=workspace, name="align with DPO", defaults=dict(
            description="DPO on preference pairs cut from the corpus (chosen: the real continuation; rejected: the "
                        "same words shuffled) for the demo student; the reference is the initial policy. Pick a "
                        "trained student (e.g. the distilled one, registered from its run) for a stronger start.",
            method="dpo", student="demo-student", train_dataset="stdlib-preference-train",
            validation_dataset="stdlib-preference-validation",
            config={"beta": 0.1, "training": {"max_steps": 200, "batch_size": 8, "learning_rate": 1e-3,
                                              "warmup_steps": 10, "block_size": 64, "eval_every": 50,
                                              "eval_batches": 4, "checkpoint_every": 100, "log_every": 10}},
        ))

    def _seed_continual(self, workspace, user, continual: dict) -> None:
        tasks = []
        for task in continual["tasks"]:
            train = self._upload(workspace, user, f"task-{task['name']}-train", "text", task["train_data"]["path"])
            validation = self._upload(workspace, user, f"task-{task['name']}-validation", "text",
                                      task["validation_data"]["path"])
            tasks.append({"name": task["name"], "train_dataset": train.pk, "validation_dataset": validation.pk})
        if not Dataset.objects.filter(workspace=workspace, name="stdlib-tasks").exists():
            dataset_task_sequence_create(workspace=workspace, user=user, name="stdlib-tasks", tasks=tasks)
        self._upload(workspace, user, "stdlib-replay", "text", continual["replay_data"]["path"])
        specs = {method: json.loads(Path(path).read_text()) for method, path in continual["run_specs"].items()}
        for method, title, replay in (("cl_sequential", "continual: sequential fine-tuning", ""),
                                      ("cl_replay", "continual: replay", "")):
            RunTemplate.objects.get_or_create(workspace=workspace, name=title, defaults=dict(
                description=("Trains the demo student on the code task, then on the docstrings task, and fills the "
                             "task-by-task matrix: " + ("the baseline, which forgets the first task." if method ==
                                                        "cl_sequential" else "replays earlier tasks' data, and "
                                                        "forgets less than sequential fine-tuning.")),
                method=method, student="demo-student", train_dataset="stdlib-tasks", replay_dataset=replay,
                config=specs[method]["config"],
            ))

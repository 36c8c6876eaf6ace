"""The runs list's query parameters, declared as a django-filter FilterSet.

workspace (slug), status (comma-separated), method, creator (username), tag, student/teacher/
reference/train_dataset/validation_dataset/replay_dataset/sweep (ids), model (id, in any role) and
dataset (id, in any role), starred (true/false), q (name contains), created_after/created_before
(ISO dates), metric (repeatable, e.g. `eval/loss.min<2.1`), config (repeatable, e.g.
`training.learning_rate=0.001`), and ordering: created_at, finished_at, name, status, or
metric:NAME:STAT, each with a leading '-' for descending (default -created_at).

A malformed value is a 400 that names the parameter and says what is accepted (webapp.common.errors),
so every filter reads its parameter as text and parses it itself rather than through a form
field whose message would be Django's.
"""
from __future__ import annotations

import re
from datetime import datetime
from datetime import timezone as dt_timezone

import django_filters
from django import forms
from django.db import connection
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTransform

from webapp.common.errors import Invalid
from webapp.common.ids import require_id
from webapp.common.strict_json import strict_loads
from webapp.runs.models import MetricSummary, Run

METRIC_STATS = {"last", "min", "max", "count"}
OPERATORS = {"<": "lt", "<=": "lte", ">": "gt", ">=": "gte", "=": "exact"}
METRIC_FILTER = re.compile(r"^(?P<name>[^<>=]+)\.(?P<stat>last|min|max|count)\s*(?P<op><=|>=|<|>|=)\s*(?P<value>.+)$")
# Parameter -> the run's foreign keys it matches (several: the model or dataset in any role).
BY_ID = {"student": ["student_id"], "teacher": ["teacher_id"], "reference": ["reference_id"],
         "train_dataset": ["train_dataset_id"], "validation_dataset": ["validation_dataset_id"],
         "replay_dataset": ["replay_dataset_id"], "sweep": ["sweep_id"],
         "model": ["student_id", "teacher_id", "reference_id"],
         "dataset": ["train_dataset_id", "validation_dataset_id", "replay_dataset_id"]}


def summary_stat(name: str, stat: str) -> Subquery:
    """One statistic (last, min, max, count) of a run's metric summary, as a subquery on Run."""
    return Subquery(MetricSummary.objects.filter(run=OuterRef("pk"), name=name).values(stat)[:1])


class RepeatedField(forms.Field):
    """Every value of a repeatable query parameter (?metric=a&metric=b), as a list of strings."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[str]:
        return [v for v in (value or []) if v]


class RepeatedFilter(django_filters.Filter):
    field_class = RepeatedField


def _by_id(param: str):
    def apply(queryset: QuerySet[Run], name: str, value: str) -> QuerySet[Run]:
        pk = require_id(value, field=param)
        any_role = Q()
        for lookup in BY_ID[param]:
            any_role |= Q(**{lookup: pk})
        return queryset.filter(any_role)

    return apply


def _created(param: str, lookup: str):
    def apply(queryset: QuerySet[Run], name: str, value: str) -> QuerySet[Run]:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise Invalid(f"{param} must be an ISO date like 2026-11-23.", field=param) from None
        if moment.tzinfo is None:  # a plain date or time is read in UTC, the server's time zone
            moment = moment.replace(tzinfo=dt_timezone.utc)
        return queryset.filter(**{lookup: moment})

    return apply


def text(**kwargs) -> django_filters.CharFilter:
    """A parameter read as it was sent (not stripped), like the rest of the API's query strings."""
    return django_filters.CharFilter(strip=False, **kwargs)


class RunFilter(django_filters.FilterSet):
    """Applied in the order declared, so that the first malformed parameter is the one reported."""

    workspace = text(field_name="workspace__slug")
    status = text(method="filter_status")
    method = text(field_name="method")
    creator = text(field_name="creator__username")
    student = text(method=_by_id("student"))
    teacher = text(method=_by_id("teacher"))
    reference = text(method=_by_id("reference"))
    train_dataset = text(method=_by_id("train_dataset"))
    validation_dataset = text(method=_by_id("validation_dataset"))
    replay_dataset = text(method=_by_id("replay_dataset"))
    sweep = text(method=_by_id("sweep"))
    model = text(method=_by_id("model"))
    dataset = text(method=_by_id("dataset"))
    tag = text(method="filter_tag")
    starred = text(method="filter_starred")
    q = text(field_name="name", lookup_expr="icontains")
    created_after = text(method=_created("created_after", "created_at__gte"))
    created_before = text(method=_created("created_before", "created_at__lt"))
    metric = RepeatedFilter(method="filter_metric")
    config = RepeatedFilter(method="filter_config")

    class Meta:
        model = Run
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value.split(","))

    def filter_tag(self, queryset, name, value):
        if connection.vendor == "postgresql":
            return queryset.filter(tags__contains=[value])
        return queryset.filter(tags__icontains=f'"{value}"')

    def filter_starred(self, queryset, name, value):
        if value not in ("true", "false"):  # anything else: no filter
            return queryset
        return queryset.filter(starred=value == "true")

    def filter_metric(self, queryset, name, expressions):
        for index, expression in enumerate(expressions):
            match = METRIC_FILTER.match(expression.strip())
            if not match:
                raise Invalid(f"metric filter '{expression}' is not NAME.STAT<op>VALUE, e.g. eval/loss.min<2.1 "
                              "(STAT: last, min, max, count; op: <, <=, >, >=, =).", field="metric")
            try:
                value = float(match["value"])
            except ValueError:
                raise Invalid(f"metric filter '{expression}': '{match['value']}' is not a number.",
                              field="metric") from None
            alias = f"_metric_filter_{index}"
            queryset = queryset.annotate(**{alias: summary_stat(match["name"].strip(), match["stat"])}).filter(
                **{f"{alias}__{OPERATORS[match['op']]}": value})
        return queryset

    def filter_config(self, queryset, name, expressions):
        """PATH=VALUE, equality only. Each dot-separated part of PATH is a config key, never a
        Django lookup: `training.lr__in`, `alpha__regex` and the like were passed to the ORM (and
        answered 500), and a key named like a lookup (`contains`) was read as one."""
        for index, expression in enumerate(expressions):
            path, sep, raw = expression.partition("=")
            keys = path.strip().split(".")
            if not sep or not path.strip():
                raise Invalid(f"config filter '{expression}' is not PATH=VALUE, e.g. training.learning_rate=0.001.",
                              field="config")
            if path.rstrip()[-1] in "<>!~" or any(not key or "__" in key for key in keys):
                raise Invalid(f"config filter '{expression}': PATH is config keys separated by '.' (no empty keys, "
                              "no '__'), and '=' is the only operator, e.g. training.learning_rate=0.001.",
                              field="config")
            try:
                value = strict_loads(raw)
            except (ValueError, UnicodeError):  # not JSON (or NaN, Infinity): the text itself
                value = raw
            expression_ = F("config")
            for key in keys:
                expression_ = KeyTransform(key, expression_)
            alias = f"_config_filter_{index}"
            queryset = queryset.alias(**{alias: expression_}).filter(**{alias: value})
        return queryset

    def filter_queryset(self, queryset):
        return ordered(super().filter_queryset(queryset), self.data.get("ordering") or "-created_at")


def ordered(queryset: QuerySet[Run], ordering: str) -> QuerySet[Run]:
    """The runs in the list's `ordering` (ties: newest id first), or a 400 naming what is accepted."""
    descending = ordering.startswith("-")
    key = ordering.lstrip("-")
    if key == "finished_at":
        column = F("finished_at")
        return queryset.order_by(column.desc(nulls_last=True) if descending else column.asc(nulls_last=True), "-id")
    if key in ("created_at", "name", "status"):
        return queryset.order_by(ordering, "-id")
    parts = key.split(":")
    if len(parts) == 3 and parts[0] == "metric" and parts[2] in METRIC_STATS:
        expression = summary_stat(parts[1], parts[2])
        return queryset.order_by(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True),
                                 "-id")
    raise Invalid(f"Unknown ordering '{ordering}': use created_at, finished_at, name, status or metric:NAME:STAT "
                  "(STAT: last, min, max, count), with '-' for descending.", field="ordering")

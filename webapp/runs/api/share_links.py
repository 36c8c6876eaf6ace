"""API: share links, and what a link shows without an account."""
from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import require_write_to_body_workspace, workspace_get
from webapp.common.api import StrictSerializer
from webapp.runs.api.compare import MAX_COMPARED_RUNS, CompareOutput
from webapp.runs.api.metrics import SERIES_PARAMS, MultiSeriesOutput, series_for_runs
from webapp.runs.api.runs import serialize_runs
from webapp.runs.selectors.runs import config_diff, runs_get_many
from webapp.runs.selectors.share_links import share_link_by_token, share_links_for, shared_input_names
from webapp.runs.services.share_links import share_link_create, share_link_revoke


class InputNamesOutput(serializers.Serializer):
    models = serializers.DictField(child=serializers.CharField(), help_text="{model id: name} of the runs' models.")
    datasets = serializers.DictField(child=serializers.CharField(),
                                     help_text="{dataset id: name} of the runs' datasets.")


class SharedOutput(CompareOutput):
    inputs = InputNamesOutput(help_text="Names of the models and datasets the config diff gives by id.")
    title = serializers.CharField()
    workspace = serializers.CharField()
    created_at = serializers.DateTimeField()


class ShareLinkOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    token = serializers.CharField()
    url = serializers.SerializerMethodField()
    title = serializers.CharField()
    runs = serializers.SerializerMethodField()
    created_by = serializers.CharField(source="created_by.username", allow_null=True, default=None)
    created_at = serializers.DateTimeField()

    def get_url(self, link) -> str:
        return f"/shared/{link.token}"

    def get_runs(self, link) -> list[int]:
        return sorted(run.id for run in link.runs.all())


class ShareLinkListApi(APIView):
    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        runs = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=MAX_COMPARED_RUNS)
        title = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)

    @extend_schema(parameters=[OpenApiParameter("workspace", str)], responses=ShareLinkOutput(many=True))
    def get(self, request):
        links = share_links_for(user=request.user, workspace_slug=request.query_params.get("workspace"))
        return Response(ShareLinkOutput(links, many=True).data)

    @extend_schema(request=Input, responses={201: ShareLinkOutput})
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        workspace = workspace_get(user=request.user, slug=data.validated_data["workspace"])
        runs = runs_get_many(user=request.user, ids=list(dict.fromkeys(data.validated_data["runs"])))
        link = share_link_create(workspace=workspace, user=request.user, runs=runs,
                                          title=data.validated_data["title"])
        return Response(ShareLinkOutput(link).data, status=status.HTTP_201_CREATED)


class ShareLinkDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        link = get_object_or_404(share_links_for(user=request.user), pk=pk)
        share_link_revoke(link=link, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SharedApi(APIView):
    """What a share link shows, without an account: its runs, their config diff, read-only."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(auth=[], responses=SharedOutput)
    def get(self, request, token: str):
        link = share_link_by_token(token=token)
        runs = list(link.runs.select_related("workspace", "creator").order_by("id"))
        return Response({"title": link.title, "workspace": link.workspace.name, "created_at": link.created_at,
                         "runs": serialize_runs(runs), "config": config_diff(runs),
                         "inputs": shared_input_names(runs=runs)})


class SharedSeriesApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(auth=[], parameters=SERIES_PARAMS, responses=MultiSeriesOutput)
    def get(self, request, token: str):
        link = share_link_by_token(token=token)
        series, step_range = series_for_runs(list(link.runs.order_by("id")), request)
        return Response({"series": series, "range": step_range})

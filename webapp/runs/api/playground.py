"""API: playground sessions (prompts sent to several models side by side)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import require_write_to_body_workspace, workspace_get, workspace_object
from webapp.common.api import StrictSerializer
from webapp.registry.models import ModelAsset
from webapp.runs.models import PlaygroundSession
from webapp.runs.selectors.playground import playground_session_get, playground_sessions_for


class PlaygroundOutputRow(serializers.Serializer):
    model = serializers.IntegerField(source="model_id")
    prompt_index = serializers.IntegerField()
    text = serializers.CharField()
    tokens = serializers.IntegerField()
    tokens_per_s = serializers.FloatField(allow_null=True)
    done = serializers.BooleanField()
    error = serializers.CharField()


class PlaygroundModelRow(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SamplingOutput(serializers.Serializer):
    max_new_tokens = serializers.IntegerField()
    temperature = serializers.FloatField()
    top_p = serializers.FloatField()
    seed = serializers.IntegerField()


class PlaygroundOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    status = serializers.ChoiceField(choices=PlaygroundSession.STATUSES)
    error_message = serializers.CharField()
    prompts = serializers.ListField(child=serializers.CharField())
    sampling = SamplingOutput()
    models = PlaygroundModelRow(source="chosen_models", many=True)
    outputs = PlaygroundOutputRow(many=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class PlaygroundListApi(APIView):
    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        models = serializers.ListField(child=serializers.IntegerField(), min_length=1)
        prompts = serializers.ListField(child=serializers.CharField(max_length=4000), min_length=1)
        max_new_tokens = serializers.IntegerField(required=False, default=64)
        temperature = serializers.FloatField(required=False, default=0.0)
        top_p = serializers.FloatField(required=False, default=1.0)
        seed = serializers.IntegerField(required=False, default=0)

    @extend_schema(parameters=[OpenApiParameter("workspace", str)], responses=PlaygroundOutputSerializer(many=True))
    def get(self, request):
        sessions = playground_sessions_for(user=request.user,
                                                     workspace_slug=request.query_params.get("workspace"))[:50]
        return Response(PlaygroundOutputSerializer(sessions, many=True).data)

    @extend_schema(request=Input, responses={201: PlaygroundOutputSerializer})
    def post(self, request):
        from webapp.runs.services.playground import playground_create

        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = dict(data.validated_data)
        workspace = workspace_get(user=request.user, slug=d.pop("workspace"))
        models = [workspace_object(ModelAsset, pk, workspace=workspace, field="models")
                  for pk in dict.fromkeys(d.pop("models"))]
        session = playground_create(workspace=workspace, user=request.user, models=models, **d)
        return Response(PlaygroundOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class PlaygroundDetailApi(APIView):
    """The session now; outputs fill in as tokens are generated. To follow it live, open
    /playground/{id}/events/ (Server-Sent Events) instead of polling this."""

    @extend_schema(responses=PlaygroundOutputSerializer)
    def get(self, request, pk: int):
        return Response(PlaygroundOutputSerializer(playground_session_get(user=request.user, pk=pk)).data)

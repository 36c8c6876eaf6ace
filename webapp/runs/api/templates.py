"""API: run templates (save a run's settings, launch them again)."""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts.selectors import require_write_to_body_workspace, workspace_get
from webapp.common.api import StrictSerializer
from webapp.common.fields import object_field
from webapp.runs.api.methods import method_field
from webapp.runs.api.runs import RunOutput
from webapp.runs.selectors.runs import run_inputs
from webapp.runs.selectors.templates import template_get, templates_for
from webapp.runs.services.templates import template_create, template_delete, template_launch


class TemplateOutput(serializers.Serializer):
    id = serializers.IntegerField()
    workspace = serializers.CharField(source="workspace.slug")
    name = serializers.CharField()
    description = serializers.CharField()
    method = method_field()
    config = object_field()
    student = serializers.CharField()
    teacher = serializers.CharField()
    reference = serializers.CharField(help_text="Model name; empty: the student as it starts.")
    train_dataset = serializers.CharField()
    validation_dataset = serializers.CharField()
    replay_dataset = serializers.CharField()
    seed = serializers.IntegerField()
    register_model_as = serializers.CharField()


class TemplateListApi(APIView):
    class Input(StrictSerializer):
        workspace = serializers.SlugField()
        name = serializers.CharField(max_length=200)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        method = serializers.CharField()
        config = serializers.DictField(required=False, default=dict)
        student = serializers.IntegerField()
        teacher = serializers.IntegerField(required=False, allow_null=True, default=None)
        reference = serializers.IntegerField(required=False, allow_null=True, default=None)
        train_dataset = serializers.IntegerField()
        validation_dataset = serializers.IntegerField(required=False, allow_null=True, default=None)
        replay_dataset = serializers.IntegerField(required=False, allow_null=True, default=None)
        seed = serializers.IntegerField(required=False, default=0)
        register_model_as = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")

    @extend_schema(parameters=[OpenApiParameter("workspace", str)], responses=TemplateOutput(many=True))
    def get(self, request):
        qs = templates_for(user=request.user, workspace_slug=request.query_params.get("workspace"))
        return Response(TemplateOutput(qs, many=True).data)

    @extend_schema(request=Input, responses={201: TemplateOutput}, operation_id="templates_create",
                   description="Save a run's settings as a template (the same fields as creating a run; models "
                               "and datasets by id, kept by name so a later launch takes each dataset's newest "
                               "version).")
    def post(self, request):
        require_write_to_body_workspace(user=request.user, data=request.data)
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        workspace = workspace_get(user=request.user, slug=d["workspace"])
        template = template_create(
            workspace=workspace, user=request.user, name=d["name"], description=d["description"], method=d["method"],
            config=d["config"], **run_inputs(workspace=workspace, ids=d),
            seed=d["seed"], register_model_as=d["register_model_as"],
        )
        return Response(TemplateOutput(template).data, status=status.HTTP_201_CREATED)


class TemplateDetailApi(APIView):
    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        template_delete(template=template_get(user=request.user, pk=pk), user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateLaunchApi(APIView):
    @extend_schema(request=None, responses={201: RunOutput})
    def post(self, request, pk: int):
        template = template_get(user=request.user, pk=pk)
        run = template_launch(template=template, user=request.user)
        return Response(RunOutput(run).data, status=status.HTTP_201_CREATED)

"""URL map: the REST API under /api/v1/, its schema and docs, and the SPA for every other route."""
from django.urls import include, path, re_path, register_converter
from drf_spectacular.views import SpectacularAPIView

from webapp.accounts import api as accounts_api
from webapp.accounts import invitations_api
from webapp.common.ids import IdConverter
from webapp.common.security import ApiDocsView, ApiRedocView
from webapp.frontend import healthz, index
from webapp.notifications import api as notifications_api
from webapp.registry.api import dataset_imports as registry_dataset_imports
from webapp.registry.api import datasets as registry_datasets
from webapp.registry.api import models as registry_models
from webapp.registry.api import usage as registry_usage
from webapp.runs.api import artifacts as runs_artifacts
from webapp.runs.api import compare as runs_compare
from webapp.runs.api import events as runs_events
from webapp.runs.api import history as runs_history
from webapp.runs.api import logs as runs_logs
from webapp.runs.api import methods as runs_methods
from webapp.runs.api import metrics as runs_metrics
from webapp.runs.api import playground as runs_playground
from webapp.runs.api import runs as runs_runs
from webapp.runs.api import share_links as runs_share_links
from webapp.runs.api import sweeps as runs_sweeps
from webapp.runs.api import templates as runs_templates
from webapp.runs.api import workers as runs_workers

register_converter(IdConverter, "id")  # every object id in a path: out of range is a 404, not a 500

api_v1 = [
    path("auth/login/", accounts_api.LoginApi.as_view()),
    path("auth/logout/", accounts_api.LogoutApi.as_view()),
    path("auth/me/", accounts_api.MeApi.as_view()),
    path("tokens/", accounts_api.TokenListApi.as_view()),
    path("tokens/<id:pk>/", accounts_api.TokenDetailApi.as_view()),
    path("workspaces/", accounts_api.WorkspaceListApi.as_view()),
    path("workspaces/<slug:slug>/", accounts_api.WorkspaceDetailApi.as_view()),
    path("workspaces/<slug:slug>/members/", accounts_api.WorkspaceMembersApi.as_view()),
    path("workspaces/<slug:slug>/members/<str:username>/", accounts_api.WorkspaceMemberDetailApi.as_view()),
    path("workspaces/<slug:slug>/audit/", accounts_api.WorkspaceAuditApi.as_view()),
    path("workspaces/<slug:slug>/export/", runs_history.HistoryExportApi.as_view()),
    path("workspaces/<slug:slug>/import/", runs_history.HistoryImportApi.as_view()),
    path("workspaces/<slug:slug>/notifications/", notifications_api.ChannelListApi.as_view()),
    path("workspaces/<slug:slug>/deliveries/", notifications_api.DeliveryListApi.as_view()),
    path("notifications/<id:pk>/", notifications_api.ChannelDetailApi.as_view()),
    path("workspaces/<slug:slug>/invitations/", invitations_api.WorkspaceInvitationListApi.as_view()),
    path("workspaces/<slug:slug>/invitations/<id:pk>/", invitations_api.WorkspaceInvitationDetailApi.as_view()),
    path("workspaces/<slug:slug>/invitations/<id:pk>/resend/", invitations_api.WorkspaceInvitationResendApi.as_view()),
    path("invitations/", invitations_api.MyInvitationListApi.as_view()),
    path("invitations/<str:token>/accept/", invitations_api.InvitationAcceptApi.as_view()),
    path("invitations/<str:token>/decline/", invitations_api.InvitationDeclineApi.as_view()),
    path("methods/", runs_methods.MethodListApi.as_view()),
    path("methods/<str:name>/", runs_methods.MethodDetailApi.as_view()),
    path("models/", registry_models.ModelListApi.as_view()),
    path("models/<id:pk>/", registry_models.ModelDetailApi.as_view()),
    path("models/<id:pk>/lineage/", registry_models.ModelLineageApi.as_view()),
    path("models/<id:pk>/runs/", registry_usage.ModelRunsApi.as_view()),
    path("datasets/", registry_datasets.DatasetListApi.as_view()),
    path("datasets/import/", registry_dataset_imports.DatasetImportApi.as_view()),
    path("dataset-imports/<id:pk>/", registry_dataset_imports.DatasetImportDetailApi.as_view()),
    path("datasets/<id:pk>/", registry_datasets.DatasetDetailApi.as_view()),
    path("datasets/<id:pk>/token-stats/", registry_datasets.DatasetTokenStatsApi.as_view()),
    path("datasets/<id:pk>/runs/", registry_usage.DatasetRunsApi.as_view()),
    path("runs/", runs_runs.RunListApi.as_view()),
    path("runs/<id:pk>/", runs_runs.RunDetailApi.as_view()),
    path("runs/<id:pk>/cancel/", runs_runs.RunCancelApi.as_view()),
    path("runs/<id:pk>/retry/", runs_runs.RunRetryApi.as_view()),
    path("runs/<id:pk>/resume/", runs_runs.RunResumeApi.as_view()),
    path("runs/<id:pk>/clone/", runs_runs.RunCloneApi.as_view()),
    path("runs/<id:pk>/metrics/", runs_metrics.RunMetricsApi.as_view()),
    path("runs/<id:pk>/metrics/export/", runs_metrics.RunMetricsExportApi.as_view()),
    path("runs/<id:pk>/logs/", runs_logs.RunLogsApi.as_view()),
    path("runs/<id:pk>/artifacts/", runs_artifacts.RunArtifactsApi.as_view()),
    path("runs/<id:pk>/artifacts/<id:artifact_id>/content/", runs_artifacts.RunArtifactContentApi.as_view()),
    path("runs/<id:pk>/artifacts/<id:artifact_id>/download/", runs_artifacts.RunArtifactDownloadApi.as_view()),
    path("runs/<id:pk>/events/", runs_events.RunEventsApi.as_view()),
    path("series/", runs_metrics.SeriesApi.as_view()),
    path("compare/", runs_compare.CompareApi.as_view()),
    path("share-links/", runs_share_links.ShareLinkListApi.as_view()),
    path("share-links/<id:pk>/", runs_share_links.ShareLinkDetailApi.as_view()),
    path("shared/<str:token>/", runs_share_links.SharedApi.as_view()),
    path("shared/<str:token>/series/", runs_share_links.SharedSeriesApi.as_view()),
    path("playground/", runs_playground.PlaygroundListApi.as_view()),
    path("playground/<id:pk>/", runs_playground.PlaygroundDetailApi.as_view()),
    path("playground/<id:pk>/events/", runs_events.PlaygroundEventsApi.as_view()),
    path("sweeps/", runs_sweeps.SweepListApi.as_view()),
    path("sweeps/<id:pk>/", runs_sweeps.SweepDetailApi.as_view()),
    path("templates/", runs_templates.TemplateListApi.as_view()),
    path("templates/<id:pk>/", runs_templates.TemplateDetailApi.as_view()),
    path("templates/<id:pk>/launch/", runs_templates.TemplateLaunchApi.as_view()),
    path("workers/", runs_workers.WorkerListApi.as_view()),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="schema"), name="docs"),
    path("api/redoc/", ApiRedocView.as_view(url_name="schema"), name="redoc"),
    path("healthz", healthz),
    re_path(r"^(?!api/|static/).*$", index),
]

# A URL under /api/ that no route matches answers in the API's JSON error format, as the schema says.
handler404 = "webapp.common.api.api_page_not_found"

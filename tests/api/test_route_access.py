"""Every API route refuses a caller who has not signed in, except the few that are public on
purpose (listed below with the reason); every route of a run, model, dataset or playground session
answers 404 to someone signed in who is not in its workspace; a viewer is refused every write
before the body is read; and every body with a field the endpoint does not know is a 400 naming
it. The routes are read from the URL resolver, so a route added later is covered without being
listed here: one that is public by accident, or that shows another workspace's object, fails."""
from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from tests.routes import api_routes

pytestmark = pytest.mark.reliability

# (route pattern, method): why anyone may call it.
PUBLIC = {
    ("api/v1/auth/login/", "post"): "signing in",
    ("api/v1/invitations/<str:token>/accept/", "post"): "an invitee without an account makes one with it; "
                                                        "the token is the secret",
    ("api/v1/shared/<str:token>/", "get"): "a share link is public by design; the token is the secret",
    ("api/v1/shared/<str:token>/series/", "get"): "the charts of a share link",
    ("api/schema/", "get"): "the OpenAPI schema (describes the API, holds no data)",
    ("api/docs/", "get"): "the Swagger page that reads the schema",
    ("api/redoc/", "get"): "the ReDoc page that reads the schema",
}


def concrete(route: str) -> str:
    return "/" + re.sub(r"<(\w+:)?(\w+)>", lambda m: "1" if m.group(1) == "id:" else "x", route)


ROUTES = sorted(api_routes())


def test_the_route_list_is_read_from_the_resolver():
    assert len(ROUTES) > 60
    assert ("api/v1/runs/<id:pk>/", "delete") in ROUTES and ("api/v1/playground/<id:pk>/events/", "get") in ROUTES
    assert set(PUBLIC) <= set(ROUTES), set(PUBLIC) - set(ROUTES)


@pytest.mark.django_db
@pytest.mark.parametrize("route,method", ROUTES, ids=[f"{m.upper()} {r}" for r, m in ROUTES])
def test_an_anonymous_caller_is_refused(route, method):
    response = getattr(APIClient(), method)(concrete(route), {}, format="json")
    if (route, method) in PUBLIC:
        assert response.status_code not in (401, 403), (route, method, response.status_code)
    else:
        assert response.status_code in (401, 403), (route, method, response.status_code, response.content[:200])
        if response.status_code == 401 or response.get("Content-Type", "").startswith("application/json"):
            assert "detail" in response.json()


# --- someone signed in, but not a member of the workspace ---------------------------------------

OBJECT_ROUTES = {  # route prefix -> which object of workspace 'lab' its <pk> names
    "api/v1/runs/<id:pk>/": "run",
    "api/v1/models/<id:pk>/": "model",
    "api/v1/datasets/<id:pk>/": "dataset",
    "api/v1/playground/<id:pk>/": "playground",
}


@pytest.mark.django_db
def test_an_outsider_gets_404_on_every_route_of_another_workspaces_objects(api, registry_objects):
    from tests.api.test_runs_api import launch
    from webapp.registry.models import Dataset, ModelAsset
    from webapp.runs.models import PlaygroundSession, Run

    member = api("member")
    run_id = launch(member, registry_objects).json()["id"]
    session = PlaygroundSession.objects.create(workspace=registry_objects["student"].workspace, prompts=["hi"],
                                               sampling={})
    ids = {"run": run_id, "model": registry_objects["student"].id, "dataset": registry_objects["train"].id,
           "playground": session.id}
    outsider, checked = api("outsider"), []
    for route, method in ROUTES:
        kind = next((k for prefix, k in OBJECT_ROUTES.items() if route.startswith(prefix)), None)
        if kind is None:
            continue
        path = "/" + route.replace("<id:pk>", str(ids[kind])).replace("<id:artifact_id>", "1")
        response = getattr(outsider, method)(path, {}, format="json")
        assert response.status_code == 404, (method, path, response.status_code)
        checked.append((method, route))
    assert len(checked) >= 20
    # Nothing the outsider sent changed or removed anything.
    assert Run.objects.get(pk=run_id).status == "queued" and Run.objects.filter(parent_id=run_id).count() == 0
    assert ModelAsset.objects.filter(pk=ids["model"]).exists() and Dataset.objects.filter(pk=ids["dataset"]).exists()
    assert PlaygroundSession.objects.filter(pk=session.id).exists()


# --- a viewer of the workspace ------------------------------------------------------------------

# Writes a viewer may make, each with the reason: they concern the viewer's own account, or read.
VIEWER_MAY = {
    ("api/v1/auth/logout/", "post"): "signing out",
    ("api/v1/auth/login/", "post"): "signing in",
    ("api/v1/tokens/", "post"): "their own API tokens",
    ("api/v1/tokens/<id:pk>/", "delete"): "their own API tokens",
    ("api/v1/workspaces/", "post"): "a workspace of their own",
}


@pytest.fixture
def lab_objects(api, registry_objects):
    """Ids of one object of each kind in workspace 'lab' (a queued run, a model, a dataset, a
    playground session), and a function counting the rows a write could add (audit events too)."""
    from tests.api.test_runs_api import launch
    from webapp.accounts.models import AuditEvent
    from webapp.registry.models import Dataset, ModelAsset
    from webapp.runs.models import PlaygroundSession, Run

    run_id = launch(api("member"), registry_objects).json()["id"]
    session = PlaygroundSession.objects.create(workspace=registry_objects["student"].workspace, prompts=["hi"],
                                               sampling={})
    ids = {"run": run_id, "model": registry_objects["student"].id, "dataset": registry_objects["train"].id,
           "playground": session.id}
    return ids, lambda: (Run.objects.count(), ModelAsset.objects.count(), Dataset.objects.count(),
                         PlaygroundSession.objects.count(), AuditEvent.objects.count())


@pytest.mark.django_db
def test_a_viewer_is_refused_every_write_to_the_workspaces_objects(api, lab_objects):
    from webapp.runs.models import Run

    ids, counts = lab_objects
    run_id = ids["run"]
    before, viewer, checked = counts(), api("viewer"), []
    for route, method in ROUTES:
        kind = next((k for prefix, k in OBJECT_ROUTES.items() if route.startswith(prefix)), None)
        if method == "get" or (route, method) in VIEWER_MAY or (route, method) in PUBLIC or "<" in route and not kind \
                and "<slug:slug>" not in route:
            continue
        path = "/" + route.replace("<id:pk>", str(ids.get(kind, 1))).replace("<id:artifact_id>", "1")
        path = path.replace("<slug:slug>", "lab").replace("<str:username>", "member")
        body = {"workspace": "lab"}
        response = getattr(viewer, method)(path, body, format="json")
        checked.append((method, route, response.status_code))
    wrong = [(m, r, code) for m, r, code in checked if code != 403]
    assert not wrong, "\n".join(map(str, wrong))
    assert len(checked) >= 20  # every write route named by the workspace or one of its objects
    assert counts() == before
    assert Run.objects.get(pk=run_id).status == "queued"


# --- a body the endpoint does not accept --------------------------------------------------------

def routes_with_input():
    """(route, method, view) for every write route whose view declares an input serializer."""
    from django.urls import resolve

    for route, method in ROUTES:
        if method in ("post", "put", "patch"):
            view = resolve(concrete(route)).func.view_class
            if hasattr(view, "Input"):
                yield route, method, view


# A signed-in caller accepts an invitation with the token alone; the body is for visitors signing up.
BODY_IGNORED_WHEN_SIGNED_IN = {("api/v1/invitations/<str:token>/accept/", "post")}


@pytest.mark.django_db
def test_every_write_route_with_a_body_answers_400_naming_an_unknown_field(api, lab_objects):
    from rest_framework.parsers import JSONParser

    ids, counts = lab_objects
    before, owner, checked = counts(), api("owner"), []
    for route, method, view in routes_with_input():
        kind = next((k for prefix, k in OBJECT_ROUTES.items() if route.startswith(prefix)), None)
        if "<" in route and not kind and "<slug:slug>" not in route or (route, method) in BODY_IGNORED_WHEN_SIGNED_IN:
            continue
        path = "/" + route.replace("<id:pk>", str(ids.get(kind, 1))).replace("<slug:slug>", "lab")
        path = path.replace("<str:username>", "member")
        json_body = any(isinstance(parser, JSONParser) for parser in view().get_parsers())
        response = getattr(owner, method)(path, {"workspace": "lab", "no_such_field": "1"},
                                          format="json" if json_body else "multipart")
        checked.append((method, route, response.status_code, response.json().get("errors", {})))
    wrong = [(m, r, code) for m, r, code, errors in checked if code != 400 or "no_such_field" not in errors]
    assert not wrong, "\n".join(map(str, wrong))
    assert len(checked) >= 15
    assert counts() == before

"""Distillery's Celery worker: takes run ids, runs the engine in a child process, records what it reports.

`celery -A worker worker` and `python -m worker` both load the app from here.

Where things live: `tasks` (the Celery tasks) hands a run to `executor` (one host) or `multinode`
(a run over several hosts). Both give the engine `spec`'s run spec, start and watch it with
`supervisor` (events, heartbeat, cancellation, SIGTERM then SIGKILL), record its events with
`recorder` and how the attempt ended with `outcome`. `lifecycle` is the worker's own heartbeat and
shutdown flag; `artifact_cache` and `artifact_sync` keep this host's share of the artifact store.
"""

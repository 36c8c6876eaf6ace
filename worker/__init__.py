"""Distillery's Celery worker: takes run ids, runs the engine in a child process, records what it reports.

`celery -A worker worker` and `python -m worker` both load the app from here.
"""

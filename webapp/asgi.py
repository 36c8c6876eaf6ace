"""ASGI entry point (uvicorn): needed for the live event streams.

The web server takes its PostgreSQL connections from a pool (webapp/settings.py,
DATABASE_POOL_SIZE, 10 unless set; 0 turns it off): under ASGI each request runs in a thread of
its own, so without one every request, and every poll of a live stream, would open a connection.
"""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
os.environ.setdefault("DATABASE_POOL_SIZE", "10")
os.environ.setdefault("DATABASE_APPLICATION_NAME", "distillery-web")
application = get_asgi_application()

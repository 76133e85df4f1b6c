"""The celery check family."""

"""What a running task worker says about itself, so work it abandons is noticed.

django-tasks-db records which worker claimed a task and when, but nothing
about whether that worker is still alive: a worker killed mid-task leaves
its task RUNNING for ever. Each worker therefore holds a lease it renews
while it lives (leases.py).
"""

from django.db import models


class WorkerLease(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)  # as in DBTaskResult.worker_ids
    queues = models.CharField(max_length=200)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)  # renewed while the worker lives
    task_id = models.UUIDField(null=True, blank=True)  # the task it is running, if any

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"

"""A job's Qt objects live and die on the GUI thread, whatever holds its Python wrapper.

Python's cycle collector runs on whichever thread happens to allocate, a
worker's too. A job whose QObject (and QThread) its Python wrapper owned
could be destroyed there, which crashes Qt (seen as a segmentation fault
in a full test run). A job is owned by the app's registry instead, and is
deleted on the GUI thread once it has ended.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

from shiboken6 import isValid

from intake_desktop.ui.jobs.job import Job, Jobs
from intake_desktop.ui.qt import QApplication, QEvent, Qt


def test_a_job_belongs_to_the_registry_and_is_deleted_once_it_has_ended(qtbot: Any) -> None:
    jobs = Jobs.of_app()
    job = Job(jobs, "test", lambda _c, _p, _x: 42)
    results: list[int] = []
    job.finished.connect(results.append)
    assert job.parent() is jobs  # not owned by the Python wrapper
    job.start()
    qtbot.waitUntil(lambda: job not in jobs.running, timeout=10_000)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert results == [42] and job.result == 42  # heard, and still readable
    assert not isValid(job)  # its Qt part went, on this (the GUI) thread
    assert job.wait(1000)  # asking an ended job to wait is harmless


def test_ended_jobs_are_never_destroyed_by_a_collection_on_another_thread(qtbot: Any) -> None:
    jobs = Jobs.of_app()
    destroyed_on: list[str] = []
    for _ in range(20):
        job = Job(jobs, "test", lambda _c, _p, _x: None)
        job.finished.connect(lambda _result, job=job: job.kind)  # a cycle through a lambda
        job.destroyed.connect(
            lambda *_args: destroyed_on.append(threading.current_thread().name),
            Qt.ConnectionType.DirectConnection,
        )
        job.start()
    del job
    qtbot.waitUntil(lambda: not jobs.running, timeout=10_000)
    collector = threading.Thread(target=gc.collect, name="collector")
    collector.start()
    collector.join()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert len(destroyed_on) == 20
    assert set(destroyed_on) == {threading.main_thread().name}


def test_a_refused_start_is_heard_and_deleted_too(qtbot: Any) -> None:
    from intake_desktop.core.errors import VaultBusy

    def busy() -> Any:
        raise VaultBusy("The vault is busy in another program; close it and try again.")

    job = Job(Jobs.of_app(), "test", lambda _c, _p, _x: None, connect=busy)
    failed: list[str] = []
    job.failed.connect(failed.append)
    job.start()
    qtbot.waitUntil(lambda: bool(failed), timeout=5_000)
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert failed == ["The vault is busy in another program; close it and try again."]
    assert not isValid(job)

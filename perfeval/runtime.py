"""The garbage collector's settings for long-running processes, in one place: web processes collect after a response
has gone out, and a long render (a report PDF) pauses the collector until then (or until the job's end)."""

import gc
from contextlib import contextmanager

from django.core.signals import request_finished

# A request's cyclic garbage (forms and their bound fields refer to each other, and so do model choice fields and
# their iterators): about 9,000 objects for a 50-row 自评表. Collected between requests once this much has piled up.
COLLECT_AFTER_RESPONSE = 20_000
# The collector's own young-generation threshold stays as a safety net for a request that builds far more.
SAFETY_THRESHOLD = 200_000


def tune_gc() -> None:
    """Call once the application is loaded. Move what is loaded so far out of the collector's sight, so that a
    collection stays cheap, and collect after a response has gone out rather than in the middle of a request: with
    the default threshold (700) a 自评表 request ran the collector many times, and with any threshold one request in
    a few paid 40–50 ms for its predecessors' garbage."""
    global _web_process
    gc.collect()
    gc.freeze()
    gc.set_threshold(SAFETY_THRESHOLD, 20, 20)
    request_finished.connect(collect_after_response, dispatch_uid="perfeval.runtime.collect_after_response")
    _web_process = True


# Set by tune_gc: this process answers requests, and collects after each response (sync workers: one request at a
# time, so one flag says whether the current request has paused the collector).
_web_process = False
_paused_until_response = False


def collect_after_response(**kwargs) -> None:
    """request_finished is sent when the WSGI server closes the response, after its body was written to the client."""
    global _paused_until_response
    if _paused_until_response:
        _paused_until_response = False
        gc.enable()
    if gc.get_count()[0] > COLLECT_AFTER_RESPONSE:
        gc.collect(1)


@contextmanager
def collector_paused():
    """WeasyPrint builds millions of short-lived objects: with the collector running during the render, a long-lived
    worker grew slower with every report (2.0 s for 10 pages against 1.3–1.5 s with one collection at the end). The
    collection that follows costs no one a wait: in a web process the collector stays off until the response has
    gone out (`collect_after_response`), a background worker collects between jobs (`collect_between_jobs`), and
    anywhere else the collector's next young-generation pass finds the render's leftovers."""
    global _paused_until_response
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if _web_process:
                _paused_until_response = True
            else:
                gc.enable()


def collect_between_jobs() -> None:
    """A background worker drops the previous job's objects before it takes the next one."""
    gc.collect()

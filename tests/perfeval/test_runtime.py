"""The web processes' garbage collection: cyclic garbage is collected after a response, not in the next request."""

import gc
import weakref

from django.core.signals import request_finished

from perfeval import runtime


class Node:
    def __init__(self):
        self.me = self


def test_garbage_in_cycles_is_collected_once_a_response_has_gone_out():
    was_enabled = gc.isenabled()
    gc.disable()  # nothing else may collect it first
    try:
        gc.collect()
        witness = Node()
        probe = weakref.ref(witness)
        del witness
        for _ in range(runtime.COLLECT_AFTER_RESPONSE + 1):
            Node()
        assert probe() is not None
        runtime.collect_after_response()
        assert probe() is None
    finally:
        if was_enabled:
            gc.enable()


def test_little_garbage_waits_for_more():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        witness = Node()
        probe = weakref.ref(witness)
        del witness
        runtime.collect_after_response()
        assert probe() is not None
        gc.collect()
        assert probe() is None
    finally:
        if was_enabled:
            gc.enable()


def test_tune_gc_collects_after_each_response_and_keeps_a_safety_threshold():
    threshold = gc.get_threshold()
    try:
        runtime.tune_gc()
        assert gc.get_threshold()[0] == runtime.SAFETY_THRESHOLD
        assert runtime.collect_after_response in _receivers()
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
        request_finished.disconnect(dispatch_uid="perfeval.runtime.collect_after_response")
        runtime._web_process = False


def test_in_a_web_process_a_paused_collector_stays_off_until_the_response_has_gone_out(monkeypatch):
    monkeypatch.setattr(runtime, "_web_process", True)
    assert gc.isenabled()
    try:
        with runtime.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the response is still being built
        runtime.collect_after_response()
        assert gc.isenabled()
    finally:
        gc.enable()


def test_elsewhere_a_paused_collector_runs_again_after_the_render():
    assert gc.isenabled()
    with runtime.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def _receivers():
    sync_receivers, _ = request_finished._live_receivers(None)
    return sync_receivers

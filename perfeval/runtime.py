"""Process-wide settings for long-running web and worker processes."""

import gc


def tune_gc() -> None:
    """Call once the application is loaded. Collect the young generation less often (a 自评表 request allocates
    thousands of form and widget objects, and the default threshold of 700 ran the collector many times per
    request), and move what is loaded so far out of the collector's sight, so a full collection stays cheap."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)

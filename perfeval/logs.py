"""Logging filters for settings.LOGGING."""

import logging


class NoClientErrorTracebacks(logging.Filter):
    """Keeps the one-line record of a refused request (403 permission denied, 400 bad request) but drops its
    traceback: the refusal is expected behaviour, and the traceback of every 403 buried the real errors. Server errors
    (5xx) and records without a status keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True

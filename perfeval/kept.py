"""What a process keeps of work it did for one request to reuse for the next: a bounded map, the least recently used
entry dropped first, safe across threads. The key must hold everything the kept value depends on (each user says
what in its own comment: `assessments.rows`, `assessments.forms`)."""

import threading
from collections import OrderedDict


class Kept:
    def __init__(self, size: int):
        self.size = size
        self.kept: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        """The value kept under `key` (now the most recently used), or None."""
        with self.lock:
            found = self.kept.get(key)
            if found is not None:
                self.kept.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        with self.lock:
            self.kept[key] = value
            if len(self.kept) > self.size:
                self.kept.popitem(last=False)

    def __len__(self) -> int:
        return len(self.kept)

    def cache_clear(self) -> None:
        """Tests start without any (tests/conftest.py clears what the modules it lists keep), as a new process would."""
        with self.lock:
            self.kept.clear()

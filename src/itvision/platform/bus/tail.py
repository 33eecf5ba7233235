"""The newest events this process appended to the SQLite log, kept in memory: a commit of
events wakes the groups that follow its topics (about five for a placed order), and each would
otherwise read the same rows back from the table at once.

It answers only for positions it holds all of. SQLite appends one writer at a time, in commit
order, and an AUTOINCREMENT position is never handed out twice, so a commit's rows are
consecutive; when a commit does not start right after the last row kept, another process (or
another writer of the same file) appended in between, and what was kept is dropped. It never
answers that nothing is there: a reader it gives nothing to reads the table, where another
process's newer events are.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Collection, Iterable, Iterator

from itvision.platform.bus.messages import Message

# About 2 MB of envelopes: a group further behind than this reads the table.
CAPACITY = 2048


class LogTail:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._rows: deque[Message] = deque(maxlen=capacity)

    def appended(self, messages: Iterable[Message]) -> None:
        """Rows one commit appended, in position order."""
        for message in messages:
            if self._rows and message.offset != self._rows[-1].offset + 1:
                self._rows.clear()
            self._rows.append(message)

    def after(self, position: int, topics: Collection[str] | None, limit: int) -> list[Message]:
        """The first `limit` rows of `topics` (all when None) after `position`, if all rows
        between `position` and the newest kept are here; else (or if none matches) []."""
        rows = self._rows
        if not rows or not rows[0].offset - 1 <= position < rows[-1].offset:
            return []
        # Taken from the newest end: a reader is usually a few rows behind, and a deque is
        # walked from an end to reach a row.
        count = rows[-1].offset - position
        newer: Iterator[Message] = reversed(list(itertools.islice(reversed(rows), count)))
        if topics is not None:
            newer = (m for m in newer if m.topic in topics)
        return list(itertools.islice(newer, limit))

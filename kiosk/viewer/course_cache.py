"""The rendered top of each record page, kept while the patient's visits are unchanged.

The top of a record page (banner, flags today and standing, visits, trend) depends on
every visit of the patient, not on the record alone, so it is kept apart from the record
part (:mod:`kiosk.viewer.record_cache`) and keyed on the visits it was drawn from. The
visits come from the record cache, which hands back the same ``Intake`` objects while
their files are unchanged, so the comparison is mostly by identity and costs next to
nothing; any visit saved, split off, merged in or reviewed gives other objects, and the
top is drawn again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from markupsafe import Markup

from kiosk.intake import Intake
from kiosk.viewer.record_cache import KEPT_RECORDS

Visits = tuple[Intake, ...]


class CourseParts:
    """Record tops by record id, the least recently used dropped past ``size``.

    Used from the viewer's store thread only, so it needs no lock of its own.
    """

    def __init__(self, render: Callable[[Visits, int], Markup], size: int = KEPT_RECORDS) -> None:
        self.render = render
        self.size = size
        self._kept: OrderedDict[str, tuple[Visits, Markup]] = OrderedDict()

    def top(self, visits: Visits, index: int) -> Markup:
        """The top of the page of ``visits[index]``, drawn again only if a visit changed."""
        record_id = visits[index].id
        kept = self._kept.get(record_id)
        # Tuples compare item by item, identity first: unchanged visits are the same objects.
        if kept is not None and kept[0] == visits:
            self._kept.move_to_end(record_id)
            return kept[1]
        top = self.render(visits, index)
        self._kept[record_id] = (visits, top)
        self._kept.move_to_end(record_id)
        while len(self._kept) > self.size:
            self._kept.popitem(last=False)
        return top

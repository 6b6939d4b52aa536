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
        # The trend is the same on every visit's page of a patient: drawn once for all.
        self._trends: OrderedDict[str, tuple[Visits, Markup]] = OrderedDict()

    def top(self, visits: Visits, index: int) -> Markup:
        """The top of the page of ``visits[index]``, drawn again only if a visit changed."""
        record_id = visits[index].id
        kept = self._kept.get(record_id)
        # Tuples compare item by item, identity first: unchanged visits are the same objects.
        if kept is not None and kept[0] == visits:
            self._kept.move_to_end(record_id)
            return kept[1]
        top = self.render(visits, index)
        _keep(self._kept, record_id, visits, top, self.size)
        return top

    def trend(self, visits: Visits, draw: Callable[[Visits], Markup]) -> Markup:
        """The patient's trend over ``visits``, drawn again only if a visit changed."""
        patient = visits[0].patient or visits[0].id
        kept = self._trends.get(patient)
        if kept is not None and kept[0] == visits:
            self._trends.move_to_end(patient)
            return kept[1]
        trend = draw(visits)
        _keep(self._trends, patient, visits, trend, self.size)
        return trend


def _keep(kept: OrderedDict[str, tuple[Visits, Markup]], key: str, visits: Visits,
          part: Markup, size: int) -> None:
    kept[key] = (visits, part)
    kept.move_to_end(key)
    while len(kept) > size:
        kept.popitem(last=False)

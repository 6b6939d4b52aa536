"""``kiosk web`` offering several questionnaires: every tab asks which applies, as `kiosk` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from web.conftest import PUBLIC_URL, start_kiosk_web, stop_kiosk_web
from web.tablet import Tablet

FIXTURES = Path(__file__).resolve().parents[1] / "tui" / "fixtures"


def test_a_tab_offers_the_set_and_a_broken_file_is_left_out_with_a_notice(
        tmp_path: Path, new_tablet: Callable[..., Tablet]) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text((FIXTURES / "coming_back.yaml").read_text(encoding="utf-8")
                      .replace("type: yes_no", "type: yes_or_no"), encoding="utf-8")
    server = start_kiosk_web(tmp_path / "data", "--no-serve", "--public-url", PUBLIC_URL,
                             "--questionnaire", str(FIXTURES / "coming_back.yaml"),
                             "--questionnaire", str(FIXTURES / "first_visit.yaml"),
                             "--questionnaire", str(broken))
    try:
        said = "\n".join(server.output)  # the staff's console
        assert f"Left out (not offered to patients): {broken} cannot be used" in said
        tablet = new_tablet("chooser")
        tablet.page.goto(server.url)
        tablet.wait_for("Which applies to you today?")
        tablet.wait_for("Staff: a notice is waiting (F12)")
        first, back = tablet.wait_for("First visit here"), \
            tablet.wait_for("Coming back for another session")
        assert first[0] < back[0]  # by start_choice.order, whatever the order given
        tablet.tap("Coming back for another session")
        tablet.wait_for("Step 1 of 3")  # the follow-up's two sections and the review
        tablet.wait_for("Your date of birth")
    finally:
        stop_kiosk_web(server)

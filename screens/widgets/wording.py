"""The words the question widgets themselves show (buttons, hints), in every kiosk language."""

from __future__ import annotations

from kiosk.questionnaire.text import localize

_WORDS: dict[str, dict[str, str]] = {
    "yes": {"en": "Yes", "es": "Sí"},
    "no": {"en": "No", "es": "No"},
    "yes_key": {"en": "y", "es": "s"},
    "no_key": {"en": "n", "es": "n"},
    "length": {"en": "{count} / {limit}", "es": "{count} / {limit}"},
    "date_hint": {"en": "Year-month-day, for example 1980-04-23",
                  "es": "Año-mes-día, por ejemplo 1980-04-23"},
    "date_placeholder": {"en": "YYYY-MM-DD", "es": "AAAA-MM-DD"},
    "agree": {"en": "I agree", "es": "Estoy de acuerdo"},
    "full_name": {"en": "Type your full name to sign:",
                  "es": "Escriba su nombre completo para firmar:"},
    # Each line at most 32 characters: the width of one view of the body map.
    "front_caption": {"en": "Front: your right is on the left",
                      "es": "Delante:\nsu derecha está a la izquierda"},
    "back_caption": {"en": "Back: your left is on the left",
                     "es": "Detrás:\nsu izquierda está a la izquierda"},
    "show_back": {"en": "Turn: show the back", "es": "Girar: ver la espalda"},
    "show_front": {"en": "Turn: show the front", "es": "Girar: ver el frente"},
    "right_side": {"en": "Right", "es": "Derecha"},
    "left_side": {"en": "Left", "es": "Izquierda"},
    "chosen_areas": {"en": "Chosen: {names}", "es": "Elegido: {names}"},
    "no_areas": {"en": "No area chosen yet. Tap where it hurts.",
                 "es": "Aún no ha elegido ninguna zona. Toque donde le duele."},
    "pointing_at": {"en": "Here: {name}", "es": "Aquí: {name}"},
    "activity": {"en": "Activity {number}", "es": "Actividad {number}"},
    "activity_placeholder": {"en": "An activity that is hard for you now",
                             "es": "Una actividad que ahora le cuesta"},
    "add_activity": {"en": "+ Add an activity", "es": "+ Añadir una actividad"},
    "remove_activity": {"en": "Remove", "es": "Quitar"},
}


def word(key: str, language: str, **params: object) -> str:
    """The widget word ``key`` in ``language`` (English if not translated), filled with params."""
    return localize(_WORDS[key], language).format(**params)

"""Patient-facing messages of the core (validation), in every language the kiosk ships."""

from __future__ import annotations

from kiosk.questionnaire.text import localize

_MESSAGES: dict[str, dict[str, str]] = {
    "required": {"en": "Please answer this question.",
                 "es": "Por favor, responda esta pregunta."},
    "too_long": {"en": "Please keep this under {limit} characters.",
                 "es": "Por favor, use menos de {limit} caracteres."},
    "not_a_number": {"en": "Please enter a number.", "es": "Por favor, escriba un número."},
    "not_whole": {"en": "Please enter a whole number.",
                  "es": "Por favor, escriba un número entero."},
    "below_min": {"en": "Please enter {min} or more.", "es": "Por favor, escriba {min} o más."},
    "above_max": {"en": "Please enter {max} or less.", "es": "Por favor, escriba {max} o menos."},
    "choose_one": {"en": "Please choose one of the options.",
                   "es": "Por favor, elija una de las opciones."},
    "choose_listed": {"en": "Please choose from the options shown.",
                      "es": "Por favor, elija entre las opciones mostradas."},
    "exclusive": {"en": "\"{option}\" cannot be combined with other choices.",
                  "es": "\"{option}\" no se puede combinar con otras opciones."},
    "yes_or_no": {"en": "Please answer yes or no.", "es": "Por favor, responda sí o no."},
    "bad_date": {"en": "Please enter a date as YYYY-MM-DD, for example 1980-04-23.",
                 "es": "Escriba la fecha como AAAA-MM-DD, por ejemplo 1980-04-23."},
    "future_date": {"en": "This date cannot be in the future.",
                    "es": "Esta fecha no puede ser futura."},
    "old_date": {"en": "Please check the year.", "es": "Por favor, revise el año."},
    "bad_region": {"en": "Please choose areas on the body map.",
                   "es": "Por favor, elija zonas en el mapa del cuerpo."},
    "consent_agree": {"en": "Please confirm that you agree, or ask the front desk.",
                      "es": "Por favor, confirme que está de acuerdo o pregunte en recepción."},
    "consent_name": {"en": "Please type your full name.",
                     "es": "Por favor, escriba su nombre completo."},
    "consent_name_match": {"en": "Please type your name exactly as you gave it earlier: {name}",
                           "es": "Escriba su nombre tal como lo dio antes: {name}"},
    "activity_rating": {"en": "Please rate each activity from {min} to {max}.",
                        "es": "Califique cada actividad de {min} a {max}."},
    "activity_count": {"en": "Please list at least {count} activity.",
                       "es": "Por favor, escriba al menos {count} actividad."},
    "activity_too_many": {"en": "Please list at most {count} activities.",
                          "es": "Por favor, escriba como máximo {count} actividades."},
    "bad_answer": {"en": "This answer could not be read; please answer again.",
                   "es": "No se pudo leer esta respuesta; por favor, responda de nuevo."},
}


def message(key: str, language: str = "en", **params: object) -> str:
    """The message ``key`` in ``language`` (English if not translated), filled with params."""
    return localize(_MESSAGES[key], language).format(**params)

"""The words the kiosk screens show (buttons, titles, notices), in every language the kiosk ships.

Question wording comes from the questionnaire file; these are the screens' own words.
A language the kiosk has no words for falls back to English.
"""

from __future__ import annotations

from kiosk.questionnaire.text import localize

_TEXTS: dict[str, dict[str, str]] = {
    # Welcome
    "welcome": {"en": "Welcome", "es": "Bienvenido"},
    "welcome_intro": {"en": "Please check in for your visit. It takes about 10 minutes.",
                      "es": "Por favor, regístrese para su cita. Tarda unos 10 minutos."},
    "start": {"en": "Start check-in", "es": "Empezar el registro"},
    "which_applies": {"en": "Please check in for your visit. Which applies to you today?",
                      "es": "Por favor, regístrese para su cita. ¿Qué le corresponde hoy?"},
    "accessible": {"en": "Large text and high contrast", "es": "Letra grande y alto contraste"},
    "staff_notice_marker": {"en": "Staff: a notice is waiting (F12)",
                            "es": "Personal: hay un aviso (F12)"},
    # Section screens
    "step": {"en": "Step {step} of {total}", "es": "Paso {step} de {total}"},
    "next": {"en": "Next ▸", "es": "Siguiente ▸"},
    "back": {"en": "◂ Back", "es": "◂ Atrás"},
    "to_review": {"en": "Save ▸ Review", "es": "Guardar ▸ Revisar"},
    "fix_problems": {"en": "Please check the highlighted questions.",
                     "es": "Por favor, revise las preguntas marcadas."},
    "keys_hint": {"en": "Keys: Ctrl+N next, Ctrl+B back",
                  "es": "Teclas: Ctrl+N sigue, Ctrl+B atrás"},
    "keys_hint_review": {"en": "Keys: Ctrl+N submit, Ctrl+B back",
                         "es": "Teclas: Ctrl+N envía, Ctrl+B atrás"},
    # Review
    "review_title": {"en": "Please check your answers", "es": "Por favor, revise sus respuestas"},
    "review_intro": {"en": "Tap Edit to change a section. Tap Submit when everything is right.",
                     "es": "Toque Editar para cambiar una sección. Toque Enviar cuando todo "
                           "esté bien."},
    "edit": {"en": "Edit", "es": "Editar"},
    "submit": {"en": "Submit ▸", "es": "Enviar ▸"},
    "not_answered": {"en": "(not answered)", "es": "(sin respuesta)"},
    "yes": {"en": "Yes", "es": "Sí"},
    "no": {"en": "No", "es": "No"},
    "consent_signed": {"en": "Agreed, signed by {name}", "es": "Aceptado, firmado por {name}"},
    "activity_rating": {"en": "{activity}: {rating} of 10", "es": "{activity}: {rating} de 10"},
    "scale_answer": {"en": "{value} of {max}", "es": "{value} de {max}"},
    "signed_scale_answer": {"en": "{value} (from {min} to {max})",
                            "es": "{value} (de {min} a {max})"},
    "save_failed": {"en": "We could not save your answers just now. Please tap Submit again, "
                          "or ask the front desk.",
                    "es": "No pudimos guardar sus respuestas. Toque Enviar otra vez o pregunte "
                          "en recepción."},
    # Done
    "thank_you": {"en": "Thank you!", "es": "¡Gracias!"},
    "take_a_seat": {"en": "Please take a seat; your clinician will call you.",
                    "es": "Por favor, tome asiento; su terapeuta le llamará."},
    "short_code": {"en": "Your check-in code:", "es": "Su código de registro:"},
    "done": {"en": "Done", "es": "Listo"},
    # Still there?
    "still_there": {"en": "Are you still there?", "es": "¿Sigue ahí?"},
    "still_there_countdown": {
        "en": "For your privacy, your answers will be cleared in {seconds} s.",
        "es": "Por su privacidad, sus respuestas se borrarán en {seconds} s."},
    "im_here": {"en": "I'm here", "es": "Estoy aquí"},
    # Resume after a restart
    "resume_title": {"en": "Welcome back", "es": "Bienvenido de nuevo"},
    "resume_intro": {"en": "A check-in on this kiosk was interrupted a few minutes ago. "
                           "To continue it, please type your date of birth.",
                     "es": "Un registro en este quiosco se interrumpió hace unos minutos. "
                           "Para continuarlo, escriba su fecha de nacimiento."},
    "resume_birth_date_missing": {
        "en": "Please type your date of birth to continue.",
        "es": "Escriba su fecha de nacimiento para continuar."},
    "resume_birth_date_wrong": {
        "en": "That is not the date of birth given in this check-in. Tries left: {tries}.",
        "es": "Esa no es la fecha de nacimiento dada en este registro. "
              "Intentos restantes: {tries}."},
    "resume_continue": {"en": "Continue where you left off", "es": "Continuar donde lo dejó"},
    "resume_start_over": {"en": "Start over", "es": "Empezar de nuevo"},
    # Something went wrong
    "sorry_title": {"en": "Sorry, something went wrong", "es": "Lo sentimos, algo salió mal"},
    "sorry_text": {"en": "The kiosk will start again. If you had started, you can continue "
                         "where you left off.",
                   "es": "El quiosco volverá a empezar. Si ya había empezado, podrá continuar "
                         "donde lo dejó."},
    "ok": {"en": "OK", "es": "Aceptar"},
}

# Staff-facing words: the front desk works in the clinic's language, English here.
_STAFF: dict[str, str] = {
    "pin_title": "Staff only",
    "pin_prompt": "Enter the staff PIN.",
    "pin_wrong": "That PIN is not right.",
    "pin_locked": "Too many wrong PINs. Try again in {seconds} s.",
    "pin_missing": "No staff PIN is set on this kiosk. Set one on the kiosk computer with "
                   "'kiosk config set-pin' (or the KIOSK_STAFF_PIN variable), then restart it.",
    "unlock": "Unlock",
    "cancel": "Cancel",
    "exit_kiosk": "Exit kiosk",
    "back_to_kiosk": "Back to kiosk",
    "status_station": "Station: {station}",
    "status_questionnaire": "Questionnaire: {title} ({id}, version {version}) from {path}",
    "status_viewer": "Clinician viewer: {viewer}",
    "status_sealed": "Records are sealed: only a staff login reads them.",
    "status_not_sealed": "NOT protected: 'kiosk staff add NAME' seals records.",
    "files_need_attention": "A questionnaire file needs attention (below); patients are "
                            "offered only the good ones. Fix the file (check it with 'kiosk "
                            "validate'); the kiosk picks it up at the next Welcome screen.",
    "status_no_notice": "No notices.",
    "reload_failed": "The questionnaire file changed but cannot be used, so the kiosk keeps "
                     "the last good version. Fix the file (check it with 'kiosk validate'); "
                     "the kiosk picks it up at the next Welcome screen.",
}

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English", "es": "Español", "fr": "Français", "de": "Deutsch", "pt": "Português",
    "it": "Italiano", "nl": "Nederlands", "pl": "Polski", "zh": "中文", "vi": "Tiếng Việt",
    "ar": "العربية", "ru": "Русский", "ko": "한국어", "ja": "日本語", "tl": "Tagalog",
    "ht": "Kreyòl ayisyen",
}


def text(key: str, language: str, **params: object) -> str:
    """The screen text ``key`` in ``language`` (English if not translated), filled with params."""
    return localize(_TEXTS[key], language).format(**params)


def staff_text(key: str, **params: object) -> str:
    """A staff-facing text (PIN and status screens)."""
    return _STAFF[key].format(**params)


def language_name(code: str) -> str:
    """The language's own name for the language buttons (``code`` itself if unknown)."""
    return LANGUAGE_NAMES.get(code, code.upper())

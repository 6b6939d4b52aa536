"""The questionnaire format staff edit: its models, the loader (errors carry file:line),
the checks, the condition language, the answer logic, the texts and the test cases.

Import the module you need (``kiosk.questionnaire.model``, ``.loader``...): this package
imports nothing itself, so a kiosk can paint before pydantic loads."""

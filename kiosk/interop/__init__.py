"""Records leaving the kiosk for other systems: FHIR R4 and spreadsheet CSV."""

"""Tests of the clinician viewer (a package, so module names cannot clash with others)."""

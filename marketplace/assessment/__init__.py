"""Readiness self-assessment (the DBI's six pillars): questionnaire, results, history."""

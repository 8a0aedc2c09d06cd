"""Checking: SHACL shapes compiled to SPARQL, column checks, findings, the validation report."""

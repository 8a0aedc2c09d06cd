"""Answers: SPARQL over the published graphs, named questions and their parameters, the columnar view."""

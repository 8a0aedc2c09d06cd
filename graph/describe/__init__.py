"""Describing what is published: the catalogue, linked-data resources, coherence, the overview."""

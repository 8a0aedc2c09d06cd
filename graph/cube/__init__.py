"""Tidy observations as W3C Data Cube N-Quads, and a draft's columns."""

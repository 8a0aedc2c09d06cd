"""Linking agency names and codes to the reference: regions, agencies, indicators, decisions."""

"""Provenance: PROV-O records, load history, tracing a figure, the audit chain, graph hashes."""

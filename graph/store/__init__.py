"""Stores: embedded Oxigraph, a remote SPARQL server, worker processes, published versions."""

"""RDF basics: prefixes, IRI minting, N-Triples terms, SPARQL text."""

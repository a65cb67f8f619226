"""Peer servers that serve the same committed artifact, for side-by-side figures."""

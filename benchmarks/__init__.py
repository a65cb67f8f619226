"""Benchmarks that print figures (throughput, latency, memory); never timed unit tests."""

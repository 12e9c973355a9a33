"""Benchmark harness: data generator, scenarios, load test (see README.md)."""

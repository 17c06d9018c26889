"""Development tools, not shipped: the synthetic data generator, helpers for tests and benchmarks."""

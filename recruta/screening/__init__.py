"""CV–job screening: the deterministic match score (matching), the service-facing screener (match, rank), score bands."""

"""Infrastructure every product shares: one Settings object, the recruiter database, HTTP glue (request ids, API key, safe logs), the compute thread, the error types."""

"""Text handling in one place: folding and stopwords (fold), language detection (language), personal-data redaction (redact)."""

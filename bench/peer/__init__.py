"""Issue #6, part 6: the same RAG built the common way with LlamaIndex, measured side by side with ours."""

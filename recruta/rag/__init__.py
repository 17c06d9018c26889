"""Retrieval-augmented answers: the agent (retrieve → prompt → generate), prompts as data files, generators (SmolLM2, hub ids, OpenAI-compatible), int4 weights, metrics and the evaluation set."""

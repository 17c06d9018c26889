"""bench/generation.py --long-prompt: prompts of about the target size, 5 different vagas each (no model)."""

from bench.generation import LONG_PROMPT_VAGAS, long_prompts, prompt_tokens


class CharTokenizer:
    """One token per 4 characters of the chat-formatted messages."""

    def apply_chat_template(self, messages, *, add_generation_prompt, tokenize):
        text = "".join(f"<{m['role']}>{m['content']}" for m in messages) + (
            "<assistant>" if add_generation_prompt else ""
        )
        return list(range(len(text) // 4))


class FakeGenerator:
    tokenizer = CharTokenizer()


class FakeStore:
    def __init__(self, n_vagas: int) -> None:
        self.n = n_vagas

    def get(self, *, where):
        assert where == {"type": "vaga"}
        metas, docs = [], []
        for v in range(self.n):
            for chunk in (1, 0):  # out of order: joined by chunk number
                metas.append({"type": "vaga", "vaga_id": str(v), "chunk": chunk})
                docs.append(f"Vaga {v} parte {chunk}: " + "requisito técnico " * 60)
        return {"metadatas": metas, "documents": docs}


def test_long_prompts_fill_the_target_with_five_vagas_each():
    gen = FakeGenerator()
    prompts = long_prompts(FakeStore(12), gen, n=3, target_tokens=1400)
    assert len(prompts) == 3 and len({p.question for p in prompts}) == 3
    for p in prompts:
        assert len(p.hits) == LONG_PROMPT_VAGAS
        assert 1300 <= prompt_tokens(gen, p.messages) <= 1400  # cut to fit, not far below
        assert p.hits[0].text.index("parte 0") < p.hits[0].text.index("parte 1")
    assert {h.id for h in prompts[0].hits}.isdisjoint(h.id for h in prompts[1].hits)
    assert "[5]" in prompts[0].messages[-1]["content"]


def test_a_short_index_gives_its_whole_text():
    gen = FakeGenerator()
    (prompt,) = long_prompts(FakeStore(2), gen, n=1, target_tokens=100_000)
    assert len(prompt.hits) == LONG_PROMPT_VAGAS  # wraps around two vagas
    assert prompt_tokens(gen, prompt.messages) < 100_000 and "…" not in prompt.messages[-1]["content"]

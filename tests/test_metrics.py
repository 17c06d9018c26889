from recruta.rag.metrics import PortugueseTokenizer, bleu, hit_at_k, mrr, retrieval_rank, rouge


def test_tokenizer_keeps_portuguese_words():
    assert PortugueseTokenizer().tokenize("Inglês Avançado, Nível Técnico — ação!") == [
        "inglês", "avançado", "nível", "técnico", "ação"]


def test_rouge_counts_accented_words():
    assert rouge("inglês avançado", "inglês avançado")["rougeL"] == 1.0
    assert rouge("inglês básico", "inglês avançado")["rouge1"] == 0.5
    assert rouge("nada a ver", "inglês avançado")["rougeL"] == 0.0


def test_bleu_perfect_and_zero():
    assert bleu(["o nível de inglês exigido é avançado"], ["o nível de inglês exigido é avançado"]) > 99
    assert bleu(["xyz"], ["o nível de inglês exigido é avançado"]) < 5


def test_retrieval_rank_matches_chunks_to_records():
    ids = ["vaga:2:0", "candidato:7:3", "prospect:1:7"]
    assert retrieval_rank(ids, ["candidato:7"]) == 2
    assert retrieval_rank(ids, ["prospect:1:7"]) == 3
    assert retrieval_rank(ids, ["vaga:9"]) is None
    assert hit_at_k([1, 3, None], 1) == 1 / 3
    assert hit_at_k([1, 3, None], 3) == 2 / 3
    assert mrr([1, 2, None]) == (1 + 0.5) / 3

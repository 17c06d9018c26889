"""4-bit weights for decoding (recruta/rag/quant.py), on small layers: exact recovery, both compute paths."""

from __future__ import annotations

import pytest
import torch

from recruta.rag.quant import GROUP, INT4_MAX_ROWS, Int4Linear, apply_int4, quantize_int4


def q4_1_weights(n: int, k: int, *, seed: int = 0) -> torch.Tensor:
    """Weights as a Q4_1 GGUF stores them: per 32-block, d·q + m with q in 0..15 (both ends used)."""
    g = torch.Generator().manual_seed(seed)
    q = torch.randint(0, 16, (n, k // GROUP, GROUP), generator=g).float()
    q[..., 0], q[..., 1] = 0, 15
    d = torch.rand(n, k // GROUP, 1, generator=g) * 0.02 + 0.001
    m = -torch.rand(n, k // GROUP, 1, generator=g) * 0.1
    return (d * q + m).reshape(n, k)


def test_quantize_recovers_q4_1_blocks_exactly():
    layer = torch.nn.Linear(64, 8, bias=False)
    layer.weight.data = q4_1_weights(8, 64)
    model = torch.nn.Sequential(layer)
    tensors = quantize_int4(model)
    assert set(tensors) == {"0.qweight", "0.scale_zero"}
    packed, sz = tensors["0.qweight"], tensors["0.scale_zero"]
    assert packed.shape == (8, 32) and packed.dtype == torch.uint8 and sz.shape == (2, 8, 2)
    q = torch.stack([packed & 0xF, packed >> 4], dim=-1).reshape(8, 64).float()
    scale = sz[..., 0].float().t().repeat_interleave(GROUP, dim=1)
    zero = sz[..., 1].float().t().repeat_interleave(GROUP, dim=1)
    rebuilt = (q - 8) * scale + zero
    step = scale.max().item()
    assert (rebuilt - layer.weight).abs().max().item() < 0.05 * step  # bf16 scale/zero: a few % of one step
    original_q = torch.round(
        (layer.weight.reshape(8, 2, GROUP) - layer.weight.reshape(8, 2, GROUP).amin(-1, keepdim=True))
        / (
            (
                layer.weight.reshape(8, 2, GROUP).amax(-1, keepdim=True)
                - layer.weight.reshape(8, 2, GROUP).amin(-1, keepdim=True)
            )
            / 15
        )
    ).reshape(8, 64)
    assert torch.equal(q, original_q)


def test_lm_head_and_odd_sizes_stay_as_they_are():
    model = torch.nn.ModuleDict(
        {"proj": torch.nn.Linear(64, 16), "lm_head": torch.nn.Linear(64, 100), "odd": torch.nn.Linear(40, 8)}
    )
    assert {k.rsplit(".", 1)[0] for k in quantize_int4(model)} == {"proj"}


@pytest.mark.parametrize("rows", [1, INT4_MAX_ROWS, INT4_MAX_ROWS + 1, 40])
def test_both_compute_paths_give_the_layer_output(rows):
    layer = torch.nn.Linear(128, 48, bias=True).to(torch.bfloat16)
    layer.weight.data = q4_1_weights(48, 128, seed=rows).to(torch.bfloat16)
    model = torch.nn.Sequential(layer)
    reference = model[0]
    x = torch.randn(1, rows, 128).to(torch.bfloat16)
    want = torch.nn.functional.linear(x.float(), reference.weight.float(), reference.bias.float())
    assert apply_int4(model, quantize_int4(model)) == 1
    assert isinstance(model[0], Int4Linear)
    got = model(x)
    assert got.shape == (1, rows, 48) and got.dtype == torch.bfloat16
    assert torch.allclose(got.float(), want, atol=0.05, rtol=0.02)

"""4-bit weights for the local LLM's linear layers, computed with PyTorch's CPU int4 kernel.

The default LLM ships as a GGUF whose block linears are Q4_1: every 32 weights along a row share a scale ``d``
and a minimum ``m``, each weight being ``d·q + m`` with ``q`` in 0…15. :func:`quantize_int4` recovers ``q``,
``d`` and ``m`` from the dequantised float32 weights (exactly, for weights that came from Q4_1 blocks; for any
other model it is plain asymmetric group-wise quantisation) in the layout of
``torch.ops.aten._weight_int4pack_mm_for_cpu``, which computes ``(q − 8)·scale + zero`` per group: so
``scale = d`` and ``zero = m + 8d``.

Decoding reads every weight once per generated token, so the int4 copy (a quarter of bf16's bytes) makes it
faster on a CPU; prompt processing (many rows at once) is faster with a bf16 GEMM, so :class:`Int4Linear` keeps
a bf16 copy of the same (dequantised) weights for that. The output projection (``lm_head``, tied to the
embeddings and Q8_0 in the GGUF) stays bf16.
"""

from __future__ import annotations

from typing import Any

import torch

GROUP = 32
INT4_MAX_ROWS = 4  # rows (tokens) up to which the int4 kernel beats a bf16 GEMM (bench/generation.py)
SKIP = ("lm_head",)


def quantize_int4(model: Any, *, group: int = GROUP) -> dict[str, Any]:
    """``{"<linear>.qweight": uint8 [N, K/2] (two 4-bit values per byte), "<linear>.scale_zero": bf16
    [K/group, N, 2]}`` for every ``nn.Linear`` whose input size is a multiple of ``group`` (``lm_head`` kept)."""
    out: dict[str, Any] = {}
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.Linear) or name.split(".")[-1] in SKIP or module.in_features % group:
            continue
        w = module.weight.detach().float()
        n, k = w.shape
        blocks = w.reshape(n, k // group, group)
        low, high = blocks.amin(-1), blocks.amax(-1)
        scale = (high - low) / 15
        q = (
            torch.where(
                scale[..., None] > 0,
                torch.round((blocks - low[..., None]) / scale.clamp(min=1e-30)[..., None]),
                torch.zeros_like(blocks),
            )
            .clamp(0, 15)
            .to(torch.uint8)
            .reshape(n, k)
        )
        out[f"{name}.qweight"] = (q[:, 0::2] | (q[:, 1::2] << 4)).contiguous()
        out[f"{name}.scale_zero"] = (
            torch.stack([scale.t(), (low + 8 * scale).t()], dim=-1).to(torch.bfloat16).contiguous()
        )
    return out


class Int4Linear(torch.nn.Module):
    """A linear layer with int4 weights for decoding and their bf16 dequantisation for prompt processing."""

    # Buffers registered in __init__ (nn.Module.__getattr__ would type them as ``Tensor | Module``).
    packed: torch.Tensor
    scale_zero: torch.Tensor
    weight: torch.Tensor
    bias: torch.Tensor | None

    def __init__(
        self, qweight: torch.Tensor, scale_zero: torch.Tensor, bias: torch.Tensor | None, *, group: int
    ) -> None:
        super().__init__()
        n, half = qweight.shape
        q = torch.empty(n, half * 2, dtype=torch.int32)
        q[:, 0::2], q[:, 1::2] = (qweight & 0xF).int(), (qweight >> 4).int()
        self.in_features, self.out_features, self.group = half * 2, n, group
        self.register_buffer("packed", torch.ops.aten._convert_weight_to_int4pack_for_cpu(q, 1), persistent=False)
        self.register_buffer("scale_zero", scale_zero, persistent=False)
        scale = scale_zero[..., 0].float().t().repeat_interleave(group, dim=1)
        zero = scale_zero[..., 1].float().t().repeat_interleave(group, dim=1)
        self.register_buffer("weight", ((q.float() - 8) * scale + zero).to(torch.bfloat16), persistent=False)
        self.bias = bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.numel() // self.in_features
        if x.dtype != torch.bfloat16 or rows > INT4_MAX_ROWS:
            return torch.nn.functional.linear(x, self.weight.to(x.dtype), self.bias)
        y: torch.Tensor = torch.ops.aten._weight_int4pack_mm_for_cpu(
            x.reshape(rows, self.in_features), self.packed, self.group, self.scale_zero
        ).reshape(*x.shape[:-1], self.out_features)
        return y if self.bias is None else y + self.bias


def apply_int4(model: Any, tensors: dict[str, Any], *, group: int = GROUP) -> int:
    """Replace each quantised ``nn.Linear`` of ``model`` (bf16) by its int4 version; returns how many."""
    names = sorted({key.rsplit(".", 1)[0] for key in tensors})
    for name in names:
        parent_name, _, attr = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        old = getattr(parent, attr)
        setattr(
            parent, attr, Int4Linear(tensors[f"{name}.qweight"], tensors[f"{name}.scale_zero"], old.bias, group=group)
        )
    return len(names)

"""A tiny random causal LM and a byte-level tokenizer with a ChatML template, built in code (nothing downloaded).

The model has one layer of width 32; its weights are random but seeded, so its outputs are fixed.
"""

from __future__ import annotations

from typing import Any

CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def tiny_tokenizer() -> Any:
    """A byte-level BPE tokenizer without merges over newline and printable ASCII, plus ChatML markers."""
    import tokenizers
    import transformers

    pre_tokenizer = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False)
    symbols = [pre_tokenizer.pre_tokenize_str(chr(code))[0][0] for code in [10, *range(32, 127)]]
    specials = ["<|pad|>", "<|im_start|>", "<|im_end|>"]
    core = tokenizers.Tokenizer(
        tokenizers.models.BPE(vocab={t: i for i, t in enumerate(specials + symbols)}, merges=[])
    )
    core.pre_tokenizer = pre_tokenizer
    core.decoder = tokenizers.decoders.ByteLevel()
    core.add_special_tokens(specials)
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<|pad|>", bos_token="<|im_start|>", eos_token="<|im_end|>"
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def tiny_model(vocab_size: int, *, max_positions: int = 512, initializer_range: float = 0.5, seed: int = 0) -> Any:
    """A one-layer Llama; large initial weights make the next-token distribution peaked (no near-ties)."""
    import torch
    import transformers

    config = transformers.LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=max_positions,
        initializer_range=initializer_range,
        pad_token_id=0,
        bos_token_id=1,
        eos_token_id=2,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return transformers.LlamaForCausalLM(config).eval()

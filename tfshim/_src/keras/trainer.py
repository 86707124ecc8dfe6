"""Keras training API (compile/fit/evaluate/predict), mixed into Model."""

from __future__ import annotations


class Trainer:
    """Mixin holding Model.compile / fit / evaluate / predict / train_on_batch."""

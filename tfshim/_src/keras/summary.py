"""Model.summary(): Keras 3's table (layer, output shape, parameter count) and the totals."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .input import InputLayer


def _size(n_bytes: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n_bytes < 1024 or unit == "GB":
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024
    return f"{n_bytes:.2f} GB"


def _wrap(text: str, width: int) -> list:
    lines: list = []
    cur = ""
    for word in text.split(" "):
        while len(word) > width:
            if cur:
                lines.append(cur)
                cur = ""
            lines.append(word[:width])
            word = word[width:]
        if not cur:
            cur = word
        elif len(cur) + 1 + len(word) <= width:
            cur += " " + word
        else:
            lines.append(cur)
            cur = word
    if cur or not lines:
        lines.append(cur)
    return lines


def _shape_str(shape: Any) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return "[" + ", ".join(_shape_str(s) for s in shape) + "]"
    if isinstance(shape, tuple) and shape and isinstance(shape[0], tuple):
        return "(" + ", ".join(_shape_str(s) for s in shape) + ")"
    return str(tuple(shape)) if len(shape) != 1 else f"({shape[0]},)"


def _node_shape(struct: Any) -> Any:
    from .layer import shape_of

    return shape_of(struct)


def _weights_size(weights: list) -> tuple:
    count = int(sum(int(np.prod(w.shape)) for w in weights))
    nbytes = int(sum(int(np.prod(w.shape)) * np.dtype(w._np_dtype).itemsize for w in weights))
    return count, nbytes


def print_summary(model: Any, line_length: int | None = None, print_fn: Callable | None = None,
                  show_trainable: bool = False) -> None:
    from .functional import Functional

    rows = []
    layers = list(model.layers) if isinstance(model, Functional) else list(model.layers)
    for layer in layers:
        params = layer.count_params() if layer.built else 0
        if isinstance(layer, InputLayer):
            shape = layer.batch_shape
        else:
            node = layer._first_node()
            shape = _node_shape(node.out_struct) if node is not None else layer.__dict__.get("_last_output_shape")
        rows.append((f"{layer.name} ({type(layer).__name__})", _shape_str(shape), f"{params:,}"))
    widths = [31, 22, 13]
    if line_length and line_length > 79:
        widths[0] += line_length - 79

    def border(left: str, mid: str, right: str, fill: str) -> str:
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def row(cells: tuple, sep: str = "│", align_right_last: bool = True) -> list:
        wrapped = [_wrap(c, w) for c, w in zip(cells, widths)]
        n = max(len(w) for w in wrapped)
        out = []
        for i in range(n):
            parts = []
            for j, (w, lines) in enumerate(zip(widths, wrapped)):
                text = lines[i] if i < len(lines) else ""
                parts.append(" " + (text.rjust(w) if j == len(widths) - 1 and align_right_last else text.ljust(w))
                             + " ")
            out.append(sep + sep.join(parts) + sep)
        return out

    lines = [f'Model: "{model.name}"', border("┏", "┳", "┓", "━")]
    lines += row(("Layer (type)", "Output Shape", "Param #"), sep="┃")
    lines.append(border("┡", "╇", "┩", "━"))
    for i, r in enumerate(rows):
        lines += row(r)
        lines.append(border("├", "┼", "┤", "─") if i < len(rows) - 1 else border("└", "┴", "┘", "─"))
    if not rows:
        lines.append(border("└", "┴", "┘", "─"))
    weights = model.weights
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    total = _weights_size(weights)
    tr = _weights_size(trainable)
    ntr = _weights_size(non_trainable)
    lines.append(f" Total params: {total[0]:,} ({_size(total[1])})")
    lines.append(f" Trainable params: {tr[0]:,} ({_size(tr[1])})")
    lines.append(f" Non-trainable params: {ntr[0]:,} ({_size(ntr[1])})")
    text = "\n".join(lines)
    if print_fn is None:
        print(text)
    else:
        print_fn(text)

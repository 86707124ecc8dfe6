"""tf.keras.callbacks.TensorBoard: training curves, weight histograms and images for TensorBoard.

Writes what Keras 3 writes (``log_dir/train`` and ``log_dir/validation`` event files, the same tags and
steps): ``epoch_<metric>`` per epoch in both folders (``epoch_learning_rate`` in train),
``batch_<metric>`` at the global batch number when ``update_freq`` is ``"batch"`` or N (every N-th batch),
``evaluation_<metric>_vs_iterations`` in validation at the optimizer's iteration count,
``<weight path>/histogram`` (and ``/image`` with ``write_images``) every ``histogram_freq`` epochs.

Differences from Keras on TF: ``write_graph`` writes the model's config as the ``keras`` summary (the Graphs
dashboard's conceptual graph) but no op graph of the train step (there is no TF graph; the step is a jaxpr);
``profile_batch`` is validated and accepted but writes no profile (use ``jax.profiler``); embeddings
(``embeddings_freq``) are not written. Summaries written inside the model (``tf.summary.*`` in ``call``)
during ``fit`` go to the train writer at the current batch, as in Keras on TF, through the compiled step's
host callback.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from typing import Any

import numpy as np

from ..core import dtypes as _dt
from ..core.variable import Variable
from ..summary import ops as summary
from .callbacks import Callback

_log = logging.getLogger("tfshim")


class TensorBoard(Callback):
    """tf.keras.callbacks.TensorBoard(log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
    write_steps_per_second=False, update_freq="epoch", profile_batch=0, embeddings_freq=0,
    embeddings_metadata=None)."""

    def __init__(self, log_dir: Any = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False, update_freq: Any = "epoch",
                 profile_batch: Any = 0, embeddings_freq: int = 0, embeddings_metadata: Any = None):
        super().__init__()
        if not (update_freq in ("batch", "epoch") or (isinstance(update_freq, int) and update_freq > 0)):
            raise ValueError(
                f"tf.keras.callbacks.TensorBoard: update_freq must be 'batch', 'epoch' or a positive int, received "
                f"{update_freq!r}."
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_freq = embeddings_freq
        self.embeddings_metadata = embeddings_metadata
        self.profile_batch = _profile_range(profile_batch)
        self._writers: dict = {}
        self._global_train_batch = 0
        self._global_test_batch = 0
        self._contexts: list = []
        self._step_vars: dict = {}
        self._time = 0.0
        self._training = False

    # -- writers -------------------------------------------------------------------------------------------
    def set_model(self, model: Any) -> None:
        if self._training and model is self._model:
            return  # fit's validation pass hands the callbacks the model again: keep the open writers
        self._model = model
        self._train_dir = os.path.join(self.log_dir, "train")
        self._val_dir = os.path.join(self.log_dir, "validation")
        self._writers = {}
        if self.write_graph:
            self._write_model_config()

    def _writer(self, which: str) -> Any:
        if which not in self._writers:
            d = self._train_dir if which == "train" else self._val_dir
            self._writers[which] = summary.create_file_writer(d)
        return self._writers[which]

    def _write_model_config(self) -> None:
        model = self._model
        if type(model).__name__ not in ("Functional", "Sequential"):
            return
        try:
            text = json.dumps({"class_name": type(model).__name__, "config": model.get_config()}, default=str)
        except Exception as e:  # noqa: BLE001 - as Keras: a model that cannot be serialised is skipped
            _log.warning("TensorBoard: model failed to serialize as JSON, not writing its graph (%s)", e)
            return
        from tensorboard.compat.proto import summary_pb2

        meta = summary_pb2.SummaryMetadata()
        meta.plugin_data.plugin_name = "graph_keras_model"
        meta.plugin_data.content = b"1"
        with self._writer("train").as_default():
            summary.write("keras", text, step=0, metadata=meta)

    def _push(self, which: str, step: int) -> None:
        """Make ``which``'s writer the default at ``step`` (for summaries inside the model), recording every
        ``update_freq``-th batch; the step is a Variable so that a compiled step reads it when it runs."""
        if self.update_freq == "epoch":
            return
        var = self._step_vars.get(which)
        if var is None:
            var = self._step_vars[which] = Variable(np.int64(step), trainable=False, dtype=_dt.int64,
                                                    name=f"tensorboard_{which}_step")
        else:
            var.assign(np.int64(step), read_value=False)
        freq = self.update_freq
        stack = contextlib.ExitStack()
        stack.enter_context(self._writer(which).as_default(step=var))
        stack.enter_context(summary.record_if(lambda: var % freq == 0))
        self._contexts.append(stack)

    def _pop(self) -> None:
        if self.update_freq == "epoch" or not self._contexts:
            return
        self._contexts.pop().close()

    # -- hooks -----------------------------------------------------------------------------------------------
    def on_train_begin(self, logs: Any = None) -> None:
        self._training = True
        self._global_train_batch = 0
        self._push("train", 0)

    def on_train_end(self, logs: Any = None) -> None:
        self._pop()
        self._training = False
        for w in self._writers.values():
            w.close()

    def on_test_begin(self, logs: Any = None) -> None:
        self._push("validation", self._global_test_batch)

    def on_test_end(self, logs: Any = None) -> None:
        opt = getattr(self._model, "optimizer", None)
        if opt is not None and hasattr(opt, "iterations") and logs:
            with self._writer("validation").as_default():
                for name, value in logs.items():
                    summary.scalar(f"evaluation_{name}_vs_iterations", _float(value), step=opt.iterations)
        self._pop()

    def on_train_batch_begin(self, batch: int, logs: Any = None) -> None:
        import time

        self._global_train_batch += 1
        if self.update_freq != "epoch":
            self._pop()
            self._push("train", self._global_train_batch)
        if self.write_steps_per_second:
            self._time = time.time()

    def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
        import time

        if self.update_freq == "epoch":
            return
        if self.write_steps_per_second:
            summary.scalar("batch_steps_per_second", 1.0 / max(time.time() - self._time, 1e-9),
                           step=self._global_train_batch)
        if isinstance(logs, dict):
            for name, value in logs.items():
                summary.scalar(f"batch_{name}", _float(value), step=self._global_train_batch)

    def on_test_batch_begin(self, batch: int, logs: Any = None) -> None:
        self._global_test_batch += 1
        if self.update_freq != "epoch":
            self._pop()
            self._push("validation", self._global_test_batch)

    def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
        import time

        if self.write_steps_per_second:
            opt = getattr(self._model, "optimizer", None)
            self._epoch_iter = float(np.asarray(opt.iterations)) if opt is not None else 0.0
            self._epoch_time = time.time()

    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        self._log_epoch(epoch, logs or {})
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)

    def _log_epoch(self, epoch: int, logs: dict) -> None:
        import time

        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        opt = getattr(self._model, "optimizer", None)
        if opt is not None and hasattr(opt, "learning_rate"):
            try:
                train["learning_rate"] = float(np.asarray(opt.learning_rate))
            except (TypeError, ValueError):
                pass
        if self.write_steps_per_second and opt is not None:
            train["steps_per_second"] = (float(np.asarray(opt.iterations)) - self._epoch_iter) / max(
                time.time() - self._epoch_time, 1e-9)
        if train:
            with self._writer("train").as_default():
                for name, value in train.items():
                    summary.scalar(f"epoch_{name}", _float(value), step=epoch)
        if val:
            with self._writer("validation").as_default():
                for name, value in val.items():
                    summary.scalar(f"epoch_{name}", _float(value), step=epoch)

    def _log_weights(self, epoch: int) -> None:
        w = self._writer("train")
        with w.as_default():
            for layer in self._model.layers:
                for weight in layer.weights:
                    name = getattr(weight, "path", weight.name).replace(":", "_")
                    value = np.asarray(weight.numpy())
                    summary.histogram(f"{name}/histogram", value, step=epoch)
                    if self.write_images:
                        img = _weight_image(value)
                        if img is not None:
                            summary.image(f"{name}/image", img, step=epoch)
        w.flush()


def _float(v: Any) -> float:
    return float(np.asarray(v))


def _weight_image(w: np.ndarray) -> np.ndarray | None:
    """A weight as Keras shows it: a bias as one row, a 2-D kernel (transposed to be wide), a conv kernel as
    one image per output channel; None for what cannot be shown."""
    w = np.squeeze(w)
    if w.ndim == 1:
        w = w.reshape(1, w.shape[0], 1, 1)
    elif w.ndim == 2:
        if w.shape[0] > w.shape[1]:
            w = w.T
        w = w.reshape(1, w.shape[0], w.shape[1], 1)
    elif w.ndim == 3:
        w = np.transpose(w, (2, 0, 1))
        w = w.reshape(w.shape[0], w.shape[1], w.shape[2], 1)
    if w.ndim == 4 and w.shape[-1] in (1, 3, 4):
        return w
    return None


def _profile_range(profile_batch: Any) -> tuple:
    fn = "tf.keras.callbacks.TensorBoard"
    bad = ValueError(
        f"{fn}: profile_batch must be a non-negative integer or a pair of positive integers (start, stop), "
        f"received {profile_batch!r}."
    )
    if isinstance(profile_batch, str):
        profile_batch = [int(p) for p in profile_batch.split(",")]
    if isinstance(profile_batch, int):
        if profile_batch < 0:
            raise bad
        rng = (profile_batch, profile_batch)
    elif isinstance(profile_batch, (list, tuple)) and len(profile_batch) == 2:
        rng = (int(profile_batch[0]), int(profile_batch[1]))
        if rng[0] < 0 or rng[1] < rng[0]:
            raise bad
    else:
        raise bad
    if rng[1] > 0:
        _log.warning("%s: profile_batch=%r is accepted but tfshim writes no profile; use jax.profiler.", fn,
                     profile_batch)
    return rng

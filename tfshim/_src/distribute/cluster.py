"""Multi-worker training: TF_CONFIG, TFConfigClusterResolver and MultiWorkerMirroredStrategy.

The cluster comes from the ``TF_CONFIG`` environment variable, as in TF. Workers (and a chief, if
any) become the processes of ``jax.distributed``: process 0 is the chief (or worker 0) and its
address is the coordinator's. The strategy's mesh spans every device of every process.
"""

from __future__ import annotations

import enum
import json
import os
from typing import Any

import jax

from .strategy import Strategy


class CommunicationImplementation(enum.Enum):
    """tf.distribute.experimental.CommunicationImplementation (accepted; XLA picks the collectives)."""

    AUTO = "AUTO"
    RING = "RING"
    NCCL = "NCCL"


CollectiveCommunication = CommunicationImplementation


class CommunicationOptions:
    """tf.distribute.experimental.CommunicationOptions (accepted; XLA picks the collectives)."""

    def __init__(self, bytes_per_pack: int = 0, timeout_seconds: Any = None,
                 implementation: Any = CommunicationImplementation.AUTO):
        self.bytes_per_pack = bytes_per_pack
        self.timeout_seconds = timeout_seconds
        self.implementation = implementation


class ClusterResolver:
    """tf.distribute.cluster_resolver.ClusterResolver: the base of the cluster resolvers."""

    task_type: Any = None
    task_id: int = 0
    rpc_layer: Any = None
    environment: str = ""
    _cluster: dict = {}

    def cluster_spec(self) -> dict:
        """The cluster as {job name: [addresses]} (``.as_dict()`` works too)."""
        return _ClusterSpec(self._cluster)

    def master(self, task_type: Any = None, task_id: Any = None, rpc_layer: Any = None) -> str:
        """The address of a task (this one by default), with the rpc layer prefix if there is one."""
        tt = task_type if task_type is not None else self.task_type
        ti = task_id if task_id is not None else self.task_id
        if tt is None or tt not in self._cluster:
            return ""
        addr = self._cluster[tt][ti]
        layer = rpc_layer if rpc_layer is not None else self.rpc_layer
        return f"{layer}://{addr}" if layer else addr

    def num_accelerators(self, task_type: Any = None, task_id: Any = None, config_proto: Any = None) -> dict:
        """{"GPU": n} for this machine's GPUs (empty without any)."""
        gpus = [d for d in jax.local_devices() if d.platform in ("gpu", "cuda", "rocm")]
        return {"GPU": len(gpus)} if gpus else {}

    def _workers(self) -> list:
        return [("chief", a) for a in self._cluster.get("chief", [])] + [
            ("worker", a) for a in self._cluster.get("worker", [])
        ]

    def _process_id(self) -> int:
        chiefs = self._cluster.get("chief", [])
        n_workers = len(self._cluster.get("worker", []))
        if self.task_type == "chief" and self.task_id < len(chiefs):
            return self.task_id
        if self.task_type == "worker" and self.task_id < n_workers:
            return len(chiefs) + self.task_id
        raise ValueError(
            f"TF_CONFIG: task {self.task_type!r} {self.task_id} is not in the cluster {self._cluster}; "
            "MultiWorkerMirroredStrategy needs task.type 'worker' or 'chief' with a valid index."
        )


class SimpleClusterResolver(ClusterResolver):
    """tf.distribute.cluster_resolver.SimpleClusterResolver(cluster_spec, task_type=, task_id=)."""

    def __init__(self, cluster_spec: Any, master: str = "", task_type: Any = None, task_id: Any = None,
                 environment: str = "", num_accelerators: Any = None, rpc_layer: Any = None):
        spec = cluster_spec.as_dict() if hasattr(cluster_spec, "as_dict") else dict(cluster_spec)
        self._cluster = {k: list(v) for k, v in spec.items()}
        self.task_type, self.task_id = task_type, int(task_id or 0)
        self.rpc_layer, self.environment = rpc_layer, environment
        self._master = master

    def master(self, task_type: Any = None, task_id: Any = None, rpc_layer: Any = None) -> str:
        """The given task's address, or the ``master`` passed to the constructor (as TF)."""
        if task_type is not None and task_id is not None:
            return super().master(task_type, task_id, rpc_layer)
        return self._master


class TFConfigClusterResolver(ClusterResolver):
    """tf.distribute.cluster_resolver.TFConfigClusterResolver: the cluster described by TF_CONFIG."""

    def __init__(self, task_type: Any = None, task_id: Any = None, rpc_layer: Any = None, environment: Any = None):
        raw = os.environ.get("TF_CONFIG", "")
        try:
            cfg = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError as e:
            raise ValueError(f"TFConfigClusterResolver: TF_CONFIG is not valid JSON ({e}); got {raw!r}.") from None
        if not isinstance(cfg, dict):
            raise ValueError(f"TFConfigClusterResolver: TF_CONFIG must be a JSON object, got {raw!r}.")
        self._cluster = {k: list(v) for k, v in (cfg.get("cluster") or {}).items()}
        task = cfg.get("task") or {}
        self.task_type = task_type if task_type is not None else task.get("type")
        self.task_id = int(task_id if task_id is not None else task.get("index", 0) or 0)
        self.rpc_layer = rpc_layer if rpc_layer is not None else cfg.get("rpc_layer")
        self.environment = environment if environment is not None else cfg.get("environment", "")


class _ClusterSpec(dict):
    def as_dict(self) -> dict:
        return dict(self)

    def jobs(self) -> list:
        return list(self)

    def num_tasks(self, job_name: str) -> int:
        return len(self[job_name])


def _distributed_started() -> bool:
    from jax._src import distributed

    return getattr(distributed.global_state, "client", None) is not None


def _backends_started() -> bool:
    from jax._src import xla_bridge

    return bool(getattr(xla_bridge, "_backends", None))


class MultiWorkerMirroredStrategy(Strategy):
    """tf.distribute.MultiWorkerMirroredStrategy: synchronous data parallelism over several processes.

    Starts ``jax.distributed`` from TF_CONFIG (or the given cluster resolver); like TF it must be
    created at program start, before any tensor exists. With no cluster (or one worker) it is a
    MirroredStrategy over this process's devices.
    """

    def __init__(self, cluster_resolver: Any = None, communication_options: Any = None):
        self._resolver = cluster_resolver or TFConfigClusterResolver()
        workers = self._resolver._workers()
        if len(workers) > 1 and not _distributed_started():
            if _backends_started():
                raise RuntimeError(
                    "MultiWorkerMirroredStrategy must be created at program startup, before any tensor, "
                    f"variable or device query: JAX's distributed runtime (for the {len(workers)} workers in "
                    "TF_CONFIG) cannot start once a backend is running. Create the strategy first."
                )
            coordinator = workers[0][1]
            jax.distributed.initialize(
                coordinator_address=coordinator, num_processes=len(workers), process_id=self._resolver._process_id()
            )
        super().__init__(list(jax.devices()), "MultiWorkerMirroredStrategy")

    @property
    def cluster_resolver(self) -> Any:
        return self._resolver

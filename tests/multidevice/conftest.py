"""tests/multidevice runs with 8 simulated CPU devices (see tests/test_distribute.py)."""

import jax

if jax.device_count() < 8:  # pragma: no cover - a misconfigured run must not pass quietly
    raise RuntimeError(
        "tests/multidevice needs 8 JAX devices: run it through tests/test_distribute.py, or with "
        "XLA_FLAGS=--xla_force_host_platform_device_count=8 TFSHIM_MULTIDEVICE=1."
    )

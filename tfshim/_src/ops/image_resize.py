"""tf.image.resize and its relatives: separable resampling as two small matrix products.

Every TF resize method is linear in the image along each spatial axis, so tfshim builds, per axis and
per (input size, output size, method, antialias), the weight matrix TF's kernel implies (in NumPy, once)
and applies it with ``einsum``: gradients, batching and ``tf.function`` come from JAX.

- ``bilinear`` without antialias: TF's ResizeBilinear with half-pixel centres (the same spans as below);
- ``bicubic`` without antialias: TF's ResizeBicubic (Keys cubic, a = -0.5, its 1/1024 weight table);
- ``lanczos3``/``lanczos5``/``gaussian``/``mitchellcubic`` and any method with ``antialias=True``: TF's
  ScaleAndTranslate spans (the kernel widened by the downscale factor when antialiasing);
- ``area``: TF's ResizeArea (each output pixel averages the input area it covers);
- ``nearest``: TF's ResizeNearestNeighbor with half-pixel centres (a gather, any dtype).
"""

from __future__ import annotations

import functools
import math

import jax.numpy as jnp
import numpy as np


def _triangle(x: np.ndarray) -> np.ndarray:
    return np.maximum(0.0, 1.0 - x)


def _keys_cubic(x: np.ndarray) -> np.ndarray:
    a = -0.5
    return np.where(x < 1, ((a + 2) * x - (a + 3)) * x * x + 1,
                    np.where(x < 2, ((a * x - 5 * a) * x + 8 * a) * x - 4 * a, 0.0))


def _mitchell(x: np.ndarray) -> np.ndarray:
    b = c = 1.0 / 3.0
    near = ((12 - 9 * b - 6 * c) * x ** 3 + (-18 + 12 * b + 6 * c) * x ** 2 + (6 - 2 * b)) / 6
    far = ((-b - 6 * c) * x ** 3 + (6 * b + 30 * c) * x ** 2 + (-12 * b - 48 * c) * x + (8 * b + 24 * c)) / 6
    return np.where(x < 1, near, np.where(x < 2, far, 0.0))


def _lanczos(r: int):
    def k(x: np.ndarray) -> np.ndarray:
        return np.where(x < r, np.sinc(x) * np.sinc(x / r), 0.0)

    return k


def _gaussian(x: np.ndarray) -> np.ndarray:
    sigma = 0.5
    return np.where(x < 1.5, np.exp(-x * x / (2 * sigma * sigma)), 0.0)


# method -> (kernel, radius)
KERNELS = {
    "bilinear": (_triangle, 1.0),
    "bicubic": (_keys_cubic, 2.0),
    "lanczos3": (_lanczos(3), 3.0),
    "lanczos5": (_lanczos(5), 5.0),
    "gaussian": (_gaussian, 1.5),
    "mitchellcubic": (_mitchell, 2.0),
}


@functools.lru_cache(maxsize=512)
def kernel_matrix(in_size: int, out_size: int, method: str, antialias: bool) -> np.ndarray:
    """[out_size, in_size] float32 weights of TF's ScaleAndTranslate spans for one axis."""
    kernel, radius = KERNELS[method]
    f32 = np.float32
    scale = f32(out_size) / f32(in_size)  # float32 throughout, as TF (ties at a kernel's edge depend on it)
    inv_scale = f32(1.0) / scale
    kernel_scale = max(inv_scale, f32(1.0)) if antialias else f32(1.0)
    radius = f32(radius) * kernel_scale
    w = np.zeros((out_size, in_size), np.float64)
    for x in range(out_size):
        sample = (f32(x) + f32(0.5)) * inv_scale
        if sample < 0 or sample > in_size:
            continue
        start = min(max(int(math.ceil(sample - radius - f32(0.5))), 0), in_size - 1)
        end = min(max(int(math.floor(sample + radius - f32(0.5))), 0), in_size - 1) + 1
        src = np.arange(start, end, dtype=np.float32)
        weights = kernel(np.abs((src + f32(0.5) - sample) * (f32(1.0) / kernel_scale)).astype(np.float64))
        total = weights.sum()
        if abs(total) >= 1000.0 * np.finfo(np.float32).tiny:
            weights = weights / total
        w[x, start:end] = weights
    return w.astype(np.float32)


@functools.lru_cache(maxsize=512)
def bicubic_matrix(in_size: int, out_size: int) -> np.ndarray:
    """[out_size, in_size] weights of TF's ResizeBicubic with half-pixel centres: four Keys taps whose
    fractional offset is quantised to 1/1024 (TF reads the weights from a 1024-entry table), taps outside
    the image dropped and the rest renormalised. Positions are computed in float32, as TF."""
    scale = np.float32(in_size) / np.float32(out_size)
    w = np.zeros((out_size, in_size), np.float64)
    for x in range(out_size):
        pos = np.float32((np.float32(x) + np.float32(0.5)) * scale - np.float32(0.5))
        i0 = int(np.floor(pos))
        t = int(np.rint(np.float32(pos - i0) * 1024)) / 1024
        taps = np.array([i0 - 1, i0, i0 + 1, i0 + 2])
        weights = _keys_cubic(np.abs(np.array([1 + t, t, 1 - t, 2 - t])))
        inside = (taps >= 0) & (taps < in_size)
        weights = weights * inside
        weights = weights / weights.sum()
        for i, v in zip(taps[inside], weights[inside]):
            w[x, i] += v
    return w.astype(np.float32)


@functools.lru_cache(maxsize=512)
def area_matrix(in_size: int, out_size: int) -> np.ndarray:
    """[out_size, in_size] weights of TF's ResizeArea along one axis (coverage over the scale)."""
    scale = in_size / out_size
    w = np.zeros((out_size, in_size), np.float64)
    for y in range(out_size):
        lo, hi = y * scale, (y + 1) * scale
        for i in range(int(math.floor(lo)), int(math.ceil(hi))):
            cover = min(i + 1, hi) - max(i, lo)
            w[y, min(i, in_size - 1)] += cover / scale
    return w.astype(np.float32)


@functools.lru_cache(maxsize=512)
def nearest_index(in_size: int, out_size: int) -> np.ndarray:
    scale = in_size / out_size
    idx = np.floor((np.arange(out_size) + 0.5) * scale).astype(np.int64)
    return np.minimum(idx, in_size - 1).astype(np.int32)


def resize_impl(x, out_h, out_w, method, antialias):
    """``x``: [batch, h, w, c]; float32 out for every method but nearest (dtype kept)."""
    h, w = x.shape[1], x.shape[2]
    if method == "nearest":
        return x[:, nearest_index(h, out_h)][:, :, nearest_index(w, out_w)]
    if method == "area":
        mh, mw = area_matrix(h, out_h), area_matrix(w, out_w)
    elif method == "bicubic" and not antialias:
        mh, mw = bicubic_matrix(h, out_h), bicubic_matrix(w, out_w)
    else:
        mh, mw = kernel_matrix(h, out_h, method, antialias), kernel_matrix(w, out_w, method, antialias)
    xf = x.astype(jnp.float32)
    hi = jnp.einsum("oh,bhwc->bowc", mh, xf, precision="highest")
    return jnp.einsum("pw,bowc->bopc", mw, hi, precision="highest")

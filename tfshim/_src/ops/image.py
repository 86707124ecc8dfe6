"""tf.image rows: resizing, crops and pads, flips, dtype conversion, colour spaces and adjustments,
image metrics, edges, random augmentations and non-max suppression.

Images are ``[height, width, channels]`` or ``[batch, height, width, channels]`` Tensors, as in TF.
Each function validates its arguments as TF does (ValueError for static shape problems) and runs its
array math through dispatch, so gradients, tapes and ``tf.function`` work. Random augmentations follow
TF's op-seed semantics through ``tf.random`` (the numbers themselves differ from TF's, see
docs/differences.md).
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ..core import dtypes as _dt
from ..core import errors
from ..core.convert import convert_to_tensor
from ..core.dispatch import run
from ..core.tensor import Tensor
from . import random as _random
from .image_resize import resize_impl
from .table import register

_METHODS = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


class ResizeMethod:
    """tf.image.ResizeMethod: the method names ``tf.image.resize`` accepts."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def _image(image: Any, fn: str, min_rank: int = 3, max_rank: int = 4) -> Tensor:
    x = convert_to_tensor(image)
    rank = x.array.ndim
    if rank < min_rank or rank > max_rank:
        want = f"{min_rank}" if min_rank == max_rank else f"{min_rank} or {max_rank}"
        raise ValueError(f"{fn}: 'image' must have rank {want}, got shape {list(x.array.shape)}; pass "
                         f"[height, width, channels] or [batch, height, width, channels].")
    return x


def _batched(x: Tensor) -> bool:
    return x.array.ndim == 4


def _hw(x: Tensor) -> tuple[int, int]:
    s = x.array.shape
    return (s[1], s[2]) if _batched(x) else (s[0], s[1])


def _int(value: Any, fn: str, what: str) -> int:
    if isinstance(value, Tensor):
        value = np.asarray(value.array)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise TypeError(f"{fn}: '{what}' must be an integer, got {value!r}.") from None


# ---------------------------------------------------------------------------------------------
# resize


def _resize4(x, out_h, out_w, method, antialias):
    return resize_impl(x, out_h, out_w, method, antialias)


def _resize3(x, out_h, out_w, method, antialias):
    return resize_impl(x[None], out_h, out_w, method, antialias)[0]


def _size_pair(size: Any, fn: str) -> tuple[int, int]:
    s = np.asarray(size.array if isinstance(size, Tensor) else size)
    if s.shape != (2,):
        raise ValueError(f"{fn}: 'size' must be a 1-D int32 Tensor of 2 elements: new_height, new_width; got "
                         f"{size!r}.")
    if s.dtype.kind not in "iu":
        raise TypeError(f"{fn}: 'size' must be integers, got dtype {s.dtype}.")
    h, w = int(s[0]), int(s[1])
    if h <= 0 or w <= 0:
        raise ValueError(f"{fn}: 'size' must be positive, got {[h, w]}.")
    return h, w


def resize(images: Any, size: Any, method: str = ResizeMethod.BILINEAR, preserve_aspect_ratio: bool = False,
           antialias: bool = False, name: Any = None) -> Tensor:
    """tf.image.resize: resize ``images`` to ``size`` = (height, width) with ``method``.

    Returns float32, except for ``nearest``, which keeps the input dtype (as TF). ``antialias`` widens the
    kernel when downsampling (no effect on ``nearest`` and ``area``, as in TF).
    """
    fn = "tf.image.resize"
    x = _image(images, fn)
    method = str(method).lower()
    if method not in _METHODS:
        raise ValueError(f"{fn}: Resize method is not implemented: {method!r}; use one of {list(_METHODS)}.")
    out_h, out_w = _size_pair(size, fn)
    h, w = _hw(x)
    if preserve_aspect_ratio:
        scale = min(out_h / h, out_w / w)
        out_h, out_w = max(int(round(scale * h)), 1), max(int(round(scale * w)), 1)
    if x.dtype.is_bool or x.dtype.is_complex:
        raise TypeError(f"{fn}: images of dtype {x.dtype.name} cannot be resized; cast them to a real dtype.")
    impl = _resize4 if _batched(x) else _resize3
    aa = bool(antialias) and method not in ("nearest", "area")
    return run(impl, (x,), fn, out_h=out_h, out_w=out_w, method=method, antialias=aa)


# ---------------------------------------------------------------------------------------------
# crops, pads, flips, rotations


def _slice_hw(x, oh, ow, th, tw):
    if x.ndim == 4:
        return x[:, oh:oh + th, ow:ow + tw]
    return x[oh:oh + th, ow:ow + tw]


def _pad_hw(x, top, bottom, left, right):
    pads = [(top, bottom), (left, right), (0, 0)]
    if x.ndim == 4:
        pads = [(0, 0)] + pads
    return jnp.pad(x, pads)


def crop_to_bounding_box(image: Any, offset_height: Any, offset_width: Any, target_height: Any,
                         target_width: Any) -> Tensor:
    """tf.image.crop_to_bounding_box: the ``target_height x target_width`` box at the given offsets."""
    fn = "tf.image.crop_to_bounding_box"
    x = _image(image, fn)
    oh, ow = _int(offset_height, fn, "offset_height"), _int(offset_width, fn, "offset_width")
    th, tw = _int(target_height, fn, "target_height"), _int(target_width, fn, "target_width")
    h, w = _hw(x)
    if oh < 0 or ow < 0:
        raise ValueError(f"{fn}: offsets must be >= 0, got offset_height={oh}, offset_width={ow}.")
    if th <= 0 or tw <= 0:
        raise ValueError(f"{fn}: target size must be > 0, got {th}x{tw}.")
    if oh + th > h or ow + tw > w:
        raise ValueError(f"{fn}: the box {oh}+{th} x {ow}+{tw} does not fit an image of {h}x{w}; "
                         "height must be >= target + offset.")
    return run(_slice_hw, (x,), fn, oh=oh, ow=ow, th=th, tw=tw)


def pad_to_bounding_box(image: Any, offset_height: Any, offset_width: Any, target_height: Any,
                        target_width: Any) -> Tensor:
    """tf.image.pad_to_bounding_box: zero-pad ``image`` to ``target_height x target_width``, placing it at
    the offsets."""
    fn = "tf.image.pad_to_bounding_box"
    x = _image(image, fn)
    oh, ow = _int(offset_height, fn, "offset_height"), _int(offset_width, fn, "offset_width")
    th, tw = _int(target_height, fn, "target_height"), _int(target_width, fn, "target_width")
    h, w = _hw(x)
    if oh < 0 or ow < 0:
        raise ValueError(f"{fn}: offsets must be >= 0, got offset_height={oh}, offset_width={ow}.")
    if th - oh - h < 0 or tw - ow - w < 0:
        raise ValueError(f"{fn}: target size {th}x{tw} is smaller than the image {h}x{w} plus its offsets.")
    return run(_pad_hw, (x,), fn, top=oh, bottom=th - oh - h, left=ow, right=tw - ow - w)


def resize_with_crop_or_pad(image: Any, target_height: Any, target_width: Any) -> Tensor:
    """tf.image.resize_with_crop_or_pad: centre-crop and/or zero-pad to the target size."""
    fn = "tf.image.resize_with_crop_or_pad"
    x = _image(image, fn)
    th, tw = _int(target_height, fn, "target_height"), _int(target_width, fn, "target_width")
    if th <= 0 or tw <= 0:
        raise ValueError(f"{fn}: target size must be > 0, got {th}x{tw}.")
    h, w = _hw(x)
    crop_h, crop_w = max((h - th) // 2, 0), max((w - tw) // 2, 0)
    pad_h, pad_w = max((th - h) // 2, 0), max((tw - w) // 2, 0)
    x = crop_to_bounding_box(x, crop_h, crop_w, min(th, h), min(tw, w))
    return pad_to_bounding_box(x, pad_h, pad_w, th, tw)


def central_crop(image: Any, central_fraction: float) -> Tensor:
    """tf.image.central_crop: keep the central ``central_fraction`` of each spatial dimension."""
    fn = "tf.image.central_crop"
    x = _image(image, fn)
    f = float(central_fraction)
    if f <= 0.0 or f > 1.0:
        raise ValueError(f"{fn}: central_fraction must be within (0, 1], got {central_fraction}.")
    if f == 1.0:
        return x
    h, w = _hw(x)
    sh, sw = int((h - h * f) / 2), int((w - w * f) / 2)
    return run(_slice_hw, (x,), fn, oh=sh, ow=sw, th=h - 2 * sh, tw=w - 2 * sw)


def resize_with_pad(image: Any, target_height: Any, target_width: Any, method: str = ResizeMethod.BILINEAR,
                    antialias: bool = False) -> Tensor:
    """tf.image.resize_with_pad: resize keeping the aspect ratio, then zero-pad to the target size."""
    fn = "tf.image.resize_with_pad"
    x = _image(image, fn)
    th, tw = _int(target_height, fn, "target_height"), _int(target_width, fn, "target_width")
    if th <= 0 or tw <= 0:
        raise ValueError(f"{fn}: target size must be > 0, got {th}x{tw}.")
    h, w = _hw(x)
    f32 = np.float32
    ratio = max(f32(w) / f32(tw), f32(h) / f32(th))
    rhf, rwf = f32(h) / ratio, f32(w) / ratio
    rh, rw = max(int(np.floor(rhf)), 1), max(int(np.floor(rwf)), 1)
    # TF pads by half of what the unrounded size leaves.
    pad_h, pad_w = max(0, int(np.floor((th - rhf) / 2))), max(0, int(np.floor((tw - rwf) / 2)))
    resized = resize(x, [rh, rw], method=method, antialias=antialias)
    return pad_to_bounding_box(resized, pad_h, pad_w, th, tw)


def _reverse(x, axis):
    return jnp.flip(x, axis)


def _flip(image: Any, fn: str, spatial: int) -> Tensor:
    x = _image(image, fn)
    axis = spatial + (1 if _batched(x) else 0)
    return run(_reverse, (x,), fn, axis=axis)


def flip_left_right(image: Any) -> Tensor:
    """tf.image.flip_left_right: mirror the width dimension."""
    return _flip(image, "tf.image.flip_left_right", 1)


def flip_up_down(image: Any) -> Tensor:
    """tf.image.flip_up_down: mirror the height dimension."""
    return _flip(image, "tf.image.flip_up_down", 0)


def _rot90(x, k):
    off = 1 if x.ndim == 4 else 0
    return jnp.rot90(x, k, axes=(off, off + 1))


def rot90(image: Any, k: Any = 1, name: Any = None) -> Tensor:
    """tf.image.rot90: rotate counter-clockwise by ``k`` quarter turns."""
    fn = "tf.image.rot90"
    x = _image(image, fn)
    return run(_rot90, (x,), fn, k=_int(k, fn, "k") % 4)


def _transpose_hw(x):
    return jnp.swapaxes(x, -3, -2)


def transpose(image: Any, name: Any = None) -> Tensor:
    """tf.image.transpose: swap the height and width dimensions."""
    fn = "tf.image.transpose"
    return run(_transpose_hw, (_image(image, fn),), fn)


# ---------------------------------------------------------------------------------------------
# dtype conversion


def _convert_impl(x, out, saturate):
    src = np.dtype(x.dtype)
    dst = np.dtype(out)
    if src == dst:
        return x
    src_int, dst_int = src.kind in "iu", dst.kind in "iu"
    if src_int and dst_int:
        in_max, out_max = int(np.iinfo(src).max), int(np.iinfo(dst).max)
        if in_max > out_max:
            scale = (in_max + 1) // (out_max + 1)
            y = x // scale
            return y.astype(dst)
        scale = (out_max + 1) // (in_max + 1)
        y = x.astype(dst) if saturate is False else x.astype(dst)
        return y * jnp.asarray(scale, dst)
    if not src_int and not dst_int:
        return x.astype(dst)
    if src_int:  # int -> float
        return x.astype(dst) * jnp.asarray(1.0 / np.iinfo(src).max, dst)
    # float -> int
    scale = np.iinfo(dst).max + 0.5
    scaled = x * jnp.asarray(scale, x.dtype)
    if saturate:
        info = np.iinfo(dst)
        scaled = jnp.clip(scaled, float(info.min), float(info.max))
    return scaled.astype(dst)


def convert_image_dtype(image: Any, dtype: Any, saturate: bool = False, name: Any = None) -> Tensor:
    """tf.image.convert_image_dtype: convert pixel values between dtypes, rescaling as TF does (integers span
    their whole range, floats [0, 1]); ``saturate`` clips before a float -> int cast."""
    fn = "tf.image.convert_image_dtype"
    x = convert_to_tensor(image)
    dt = _dt.as_dtype(dtype)
    if not (dt.is_floating or dt.is_integer) or not (x.dtype.is_floating or x.dtype.is_integer):
        raise AttributeError(f"{fn}: image and dtype must be integer or floating point, got {x.dtype.name} -> "
                             f"{dt.name}.")
    if x.dtype == dt:
        return x
    return run(_convert_impl, (x,), fn, out=dt._np, saturate=bool(saturate))


def _to_float(x: Tensor, fn: str) -> Tensor:
    return x if x.dtype in (_dt.float16, _dt.float32, _dt.float64) else convert_image_dtype(x, _dt.float32)


# ---------------------------------------------------------------------------------------------
# colour spaces


_YUV = np.array([[0.299, -0.14714119, 0.61497538],
                 [0.587, -0.28886916, -0.51496512],
                 [0.114, 0.43601035, -0.10001026]], np.float32)
_YUV_INV = np.array([[1, 1, 1], [0, -0.394642334, 2.03206185], [1.13988303, -0.58062185, 0]], np.float32)
_YIQ = np.array([[0.299, 0.59590059, 0.2115],
                 [0.587, -0.27455667, -0.52273617],
                 [0.114, -0.32134392, 0.31119955]], np.float32)
_YIQ_INV = np.array([[1, 1, 1], [0.95598634, -0.27201283, -1.10674021], [0.6208248, -0.64720424, 1.70423049]],
                    np.float32)
_GRAY = np.array([0.2989, 0.5870, 0.1140], np.float32)


def _matmul_channels(x, kernel):
    return jnp.tensordot(x, jnp.asarray(kernel, x.dtype), axes=[[-1], [0]], precision="highest")


def _check_channels(x: Tensor, fn: str, n: int = 3) -> None:
    if x.array.ndim < 1 or x.array.shape[-1] != n:
        raise ValueError(f"{fn}: the last dimension of the image must be {n} (channels), got shape "
                         f"{list(x.array.shape)}.")


def _colour_matrix(fn: str, kernel: np.ndarray):
    def f(images: Any, name: Any = None) -> Tensor:
        x = convert_to_tensor(images)
        if not x.dtype.is_floating:
            raise TypeError(f"{fn}: images must be float, got {x.dtype.name}; convert them with "
                            "tf.image.convert_image_dtype first.")
        _check_channels(x, fn)
        return run(_matmul_channels, (x,), fn, kernel=_Frozen(kernel))

    f.__name__ = fn.rsplit(".", 1)[-1]
    f.__doc__ = f"{fn}: a per-pixel linear colour transform of float RGB images (last dimension 3)."
    return f


class _Frozen:
    """A hashable wrapper of a constant NumPy array (a static attribute of a dispatched op)."""

    __slots__ = ("a", "_h")

    def __init__(self, a: np.ndarray):
        self.a = a
        self._h = hash(a.tobytes())

    def __hash__(self) -> int:
        return self._h

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, _Frozen) and np.array_equal(self.a, other.a)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.a if dtype is None else self.a.astype(dtype)


rgb_to_yuv = _colour_matrix("tf.image.rgb_to_yuv", _YUV)
yuv_to_rgb = _colour_matrix("tf.image.yuv_to_rgb", _YUV_INV)
rgb_to_yiq = _colour_matrix("tf.image.rgb_to_yiq", _YIQ)
yiq_to_rgb = _colour_matrix("tf.image.yiq_to_rgb", _YIQ_INV)


def _gray(x):
    return jnp.sum(x * jnp.asarray(_GRAY, x.dtype), axis=-1, keepdims=True)


def rgb_to_grayscale(images: Any, name: Any = None) -> Tensor:
    """tf.image.rgb_to_grayscale: luma (0.2989 R + 0.5870 G + 0.1140 B) in the input's dtype."""
    fn = "tf.image.rgb_to_grayscale"
    x = convert_to_tensor(images)
    _check_channels(x, fn)
    gray = run(_gray, (_to_float(x, fn),), fn)
    return convert_image_dtype(gray, x.dtype)


def _tile3(x):
    return jnp.concatenate([x, x, x], axis=-1)


def grayscale_to_rgb(images: Any, name: Any = None) -> Tensor:
    """tf.image.grayscale_to_rgb: repeat the single channel three times."""
    fn = "tf.image.grayscale_to_rgb"
    x = convert_to_tensor(images)
    if x.array.ndim < 2 or x.array.shape[-1] != 1:
        raise ValueError(f"{fn}: the last dimension of a grayscale image must be 1, got shape {list(x.array.shape)}.")
    return run(_tile3, (x,), fn)


def _rgb_to_hsv(x):
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    v = jnp.maximum(jnp.maximum(r, g), b)
    mn = jnp.minimum(jnp.minimum(r, g), b)
    rng = v - mn
    s = jnp.where(v > 0, rng / jnp.where(v > 0, v, 1), 0)
    safe = jnp.where(rng > 0, rng, 1)
    h = jnp.where(v == r, (g - b) / safe, jnp.where(v == g, 2 + (b - r) / safe, 4 + (r - g) / safe))
    h = jnp.where(rng > 0, h / 6, 0)
    h = jnp.where(h < 0, h + 1, h)
    return jnp.stack([h, s, v], axis=-1)


def _hsv_to_rgb(x):
    h, s, v = x[..., 0], x[..., 1], x[..., 2]
    dh = h * 6
    r = jnp.clip(jnp.abs(dh - 3) - 1, 0, 1)
    g = jnp.clip(2 - jnp.abs(dh - 2), 0, 1)
    b = jnp.clip(2 - jnp.abs(dh - 4), 0, 1)
    one = jnp.ones_like(s)
    rgb = jnp.stack([r, g, b], axis=-1)
    return (jnp.stack([one - s, one - s, one - s], -1) + s[..., None] * rgb) * v[..., None]


def _float_rgb(images: Any, fn: str) -> Tensor:
    x = convert_to_tensor(images)
    if not x.dtype.is_floating:
        raise TypeError(f"{fn}: images must be float (half, bfloat16, float or double), got {x.dtype.name}.")
    _check_channels(x, fn)
    return x


def rgb_to_hsv(images: Any, name: Any = None) -> Tensor:
    """tf.image.rgb_to_hsv: float RGB in [0, 1] to HSV (hue in [0, 1))."""
    fn = "tf.image.rgb_to_hsv"
    return run(_rgb_to_hsv, (_float_rgb(images, fn),), fn)


def hsv_to_rgb(images: Any, name: Any = None) -> Tensor:
    """tf.image.hsv_to_rgb: float HSV to RGB."""
    fn = "tf.image.hsv_to_rgb"
    return run(_hsv_to_rgb, (_float_rgb(images, fn),), fn)


# ---------------------------------------------------------------------------------------------
# adjustments


def _add_delta(x, delta):
    return x + delta.astype(x.dtype)


def adjust_brightness(image: Any, delta: Any) -> Tensor:
    """tf.image.adjust_brightness: add ``delta`` to every pixel (in [0, 1] float space for integer images,
    saturating on the way back)."""
    fn = "tf.image.adjust_brightness"
    x = convert_to_tensor(image)
    flt = _to_float(x, fn)
    out = run(_add_delta, (flt, convert_to_tensor(delta, dtype=flt.dtype)), fn)
    return convert_image_dtype(out, x.dtype, saturate=True)


def _contrast(x, factor):
    mean = jnp.mean(x, axis=(-3, -2), keepdims=True)
    return (x - mean) * factor.astype(x.dtype) + mean


def adjust_contrast(images: Any, contrast_factor: Any) -> Tensor:
    """tf.image.adjust_contrast: ``(x - mean) * contrast_factor + mean`` per image and channel."""
    fn = "tf.image.adjust_contrast"
    x = _image(images, fn, 3, 8)
    flt = _to_float(x, fn)
    out = run(_contrast, (flt, convert_to_tensor(contrast_factor, dtype=flt.dtype)), fn)
    return convert_image_dtype(out, x.dtype, saturate=True)


def _gamma(x, gamma, gain):
    return gain.astype(x.dtype) * x ** gamma.astype(x.dtype)


def adjust_gamma(image: Any, gamma: Any = 1, gain: Any = 1) -> Tensor:
    """tf.image.adjust_gamma: ``gain * image ** gamma`` in float space (``gamma`` must be >= 0)."""
    fn = "tf.image.adjust_gamma"
    x = convert_to_tensor(image)
    g = float(np.asarray(gamma.array if isinstance(gamma, Tensor) else gamma))
    if g < 0:
        raise errors.InvalidArgumentError(None, None, f"{fn}: Gamma should be a non-negative real number, got {g}.")
    flt = _to_float(x, fn)
    out = run(_gamma, (flt, convert_to_tensor(gamma, dtype=flt.dtype), convert_to_tensor(gain, dtype=flt.dtype)),
              fn)
    return convert_image_dtype(out, x.dtype, saturate=True)


def _saturation(x, factor):
    hsv = _rgb_to_hsv(x.astype(jnp.float32))
    s = jnp.clip(hsv[..., 1] * factor.astype(jnp.float32), 0.0, 1.0)
    return _hsv_to_rgb(hsv.at[..., 1].set(s)).astype(x.dtype)


def adjust_saturation(image: Any, saturation_factor: Any, name: Any = None) -> Tensor:
    """tf.image.adjust_saturation: scale the HSV saturation by ``saturation_factor`` (clipped to [0, 1])."""
    fn = "tf.image.adjust_saturation"
    x = convert_to_tensor(image)
    _check_channels(x, fn)
    flt = _to_float(x, fn)
    out = run(_saturation, (flt, convert_to_tensor(saturation_factor, dtype=_dt.float32)), fn)
    return convert_image_dtype(out, x.dtype, saturate=True)


def _hue(x, delta):
    hsv = _rgb_to_hsv(x.astype(jnp.float32))
    h = jnp.mod(hsv[..., 0] + delta.astype(jnp.float32), 1.0)
    return _hsv_to_rgb(hsv.at[..., 0].set(h)).astype(x.dtype)


def adjust_hue(image: Any, delta: Any, name: Any = None) -> Tensor:
    """tf.image.adjust_hue: rotate the hue by ``delta`` (in [-1, 1], a fraction of the colour wheel)."""
    fn = "tf.image.adjust_hue"
    x = convert_to_tensor(image)
    _check_channels(x, fn)
    d = float(np.asarray(delta.array if isinstance(delta, Tensor) else delta))
    if d < -1 or d > 1:
        raise errors.InvalidArgumentError(None, None, f"{fn}: delta must be in the interval [-1, 1], got {d}.")
    flt = _to_float(x, fn)
    out = run(_hue, (flt, convert_to_tensor(delta, dtype=_dt.float32)), fn)
    return convert_image_dtype(out, x.dtype, saturate=True)


def _standardize(x):
    if not jnp.issubdtype(x.dtype, jnp.floating):
        x = x.astype(jnp.float32)
    axes = (-3, -2, -1)
    n = x.shape[-1] * x.shape[-2] * x.shape[-3]
    mean = jnp.mean(x, axis=axes, keepdims=True)
    std = jnp.std(x, axis=axes, keepdims=True)
    return (x - mean) / jnp.maximum(std, jnp.asarray(1.0 / np.sqrt(n), x.dtype))


def per_image_standardization(image: Any) -> Tensor:
    """tf.image.per_image_standardization: ``(x - mean) / max(stddev, 1/sqrt(num_pixels))`` per image; integer
    pixels are cast to float32 (not rescaled), float dtypes are kept, as TF."""
    fn = "tf.image.per_image_standardization"
    x = _image(image, fn, 3, 8)
    return run(_standardize, (x,), fn)


# ---------------------------------------------------------------------------------------------
# metrics, gradients, edges


def _psnr(a, b, max_val):
    mse = jnp.mean(jnp.square(a - b), axis=(-3, -2, -1))
    return 20.0 * jnp.log10(max_val) - 10.0 * jnp.log10(mse)


def psnr(a: Any, b: Any, max_val: Any, name: Any = None) -> Tensor:
    """tf.image.psnr: peak signal-to-noise ratio per image (float32; integer images are converted to
    [0, 1] float first, as TF)."""
    fn = "tf.image.psnr"
    x, y = convert_to_tensor(a), convert_to_tensor(b)
    if x.dtype != y.dtype:
        raise TypeError(f"{fn}: a and b must have the same dtype, got {x.dtype.name} and {y.dtype.name}.")
    mv = convert_image_dtype(convert_to_tensor(max_val, dtype=x.dtype), _dt.float32)
    return run(_psnr, (convert_image_dtype(x, _dt.float32), convert_image_dtype(y, _dt.float32), mv), fn)


def _gauss_window(size, sigma):
    coords = np.arange(size, dtype=np.float32) - (size - 1) / 2.0
    g = np.exp(-(coords ** 2) / (2.0 * sigma * sigma))
    g = g / g.sum()
    return np.outer(g, g).astype(np.float32)


def _depthwise_valid(x, window):
    c = x.shape[-1]
    k = jnp.asarray(window)[:, :, None, None] * jnp.ones((1, 1, 1, c), x.dtype)
    return jax.lax.conv_general_dilated(x, k, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"),
                                        feature_group_count=c, precision="highest")


def _ssim(a, b, max_val, filter_size, filter_sigma, k1, k2):
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    window = _gauss_window(filter_size, filter_sigma)
    shape = a.shape
    a4, b4 = a.reshape((-1,) + shape[-3:]), b.reshape((-1,) + shape[-3:])
    mu_a, mu_b = _depthwise_valid(a4, window), _depthwise_valid(b4, window)
    lum = (2 * mu_a * mu_b + c1) / (mu_a ** 2 + mu_b ** 2 + c1)
    num = 2 * _depthwise_valid(a4 * b4, window) - 2 * mu_a * mu_b + c2
    den = _depthwise_valid(a4 * a4 + b4 * b4, window) - mu_a ** 2 - mu_b ** 2 + c2
    per = jnp.mean(lum * (num / den), axis=(-3, -2))
    return jnp.mean(per, axis=-1).reshape(shape[:-3])


def ssim(img1: Any, img2: Any, max_val: Any, filter_size: int = 11, filter_sigma: float = 1.5, k1: float = 0.01,
         k2: float = 0.03, return_index_map: bool = False) -> Tensor:
    """tf.image.ssim: structural similarity per image (Gaussian window ``filter_size`` x ``filter_size``).
    ``return_index_map=True`` is not supported yet."""
    fn = "tf.image.ssim"
    if return_index_map:
        raise NotImplementedError(f"{fn}: return_index_map=True is not implemented in tfshim yet.")
    x, y = convert_to_tensor(img1), convert_to_tensor(img2)
    if x.array.shape != y.array.shape:
        raise ValueError(f"{fn}: img1 and img2 must have the same shape, got {list(x.array.shape)} and "
                         f"{list(y.array.shape)}.")
    if x.array.ndim < 3:
        raise ValueError(f"{fn}: images must have rank >= 3 ([..., height, width, channels]).")
    h, w = x.array.shape[-3], x.array.shape[-2]
    size = min(int(filter_size), h, w)
    mv = float(np.asarray(convert_image_dtype(convert_to_tensor(max_val, dtype=x.dtype), _dt.float32).array))
    return run(_ssim, (convert_image_dtype(x, _dt.float32), convert_image_dtype(y, _dt.float32)), fn,
               max_val=mv, filter_size=size, filter_sigma=float(filter_sigma), k1=float(k1), k2=float(k2))


def _image_gradients(x):
    dy = jnp.concatenate([x[:, 1:] - x[:, :-1], jnp.zeros_like(x[:, :1])], axis=1)
    dx = jnp.concatenate([x[:, :, 1:] - x[:, :, :-1], jnp.zeros_like(x[:, :, :1])], axis=2)
    return dy, dx


def image_gradients(image: Any) -> tuple:
    """tf.image.image_gradients: (dy, dx) forward differences of a 4-D batch, zero in the last row/column."""
    fn = "tf.image.image_gradients"
    x = convert_to_tensor(image)
    if x.array.ndim != 4:
        raise ValueError(f"{fn}: image_gradients expects a 4D tensor [batch_size, h, w, d], not {list(x.array.shape)}.")
    return run(_image_gradients, (x,), fn)


_SOBEL = np.array([[[-1, -2, -1], [0, 0, 0], [1, 2, 1]], [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]], np.float32)


def _sobel(x):
    xp = jnp.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)], mode="reflect")
    outs = [_depthwise_valid(xp, _SOBEL[i]) for i in range(2)]
    return jnp.stack(outs, axis=-1)


def sobel_edges(image: Any) -> Tensor:
    """tf.image.sobel_edges: [batch, h, w, channels, 2] of (dy, dx) Sobel responses, reflect-padded."""
    fn = "tf.image.sobel_edges"
    x = convert_to_tensor(image)
    if x.array.ndim != 4:
        raise ValueError(f"{fn}: expects a 4D tensor [batch_size, h, w, d], not {list(x.array.shape)}.")
    return run(_sobel, (_to_float(x, fn),), fn)


def _total_variation(x):
    dy = jnp.abs(x[..., 1:, :, :] - x[..., :-1, :, :])
    dx = jnp.abs(x[..., :, 1:, :] - x[..., :, :-1, :])
    return jnp.sum(dy, axis=(-3, -2, -1)) + jnp.sum(dx, axis=(-3, -2, -1))


def total_variation(images: Any, name: Any = None) -> Tensor:
    """tf.image.total_variation: sum of absolute neighbour differences, per image for a batch."""
    fn = "tf.image.total_variation"
    return run(_total_variation, (_image(images, fn),), fn)


# ---------------------------------------------------------------------------------------------
# random augmentations (TF's op-seed semantics through tf.random)


def _where_flip(x, flip, axis):
    if x.ndim == 4:
        return jnp.where(flip.reshape((-1, 1, 1, 1)), jnp.flip(x, axis), x)
    return jnp.where(flip, jnp.flip(x, axis), x)


def _random_flip(image: Any, seed: Any, fn: str, spatial: int, uniform: Any) -> Tensor:
    x = _image(image, fn)
    n = [x.array.shape[0]] if _batched(x) else []
    u = uniform(n)
    flip = run(_less_half, (u,), fn)
    return run(_where_flip, (x, flip), fn, axis=spatial + (1 if _batched(x) else 0))


def _less_half(u):
    return u < 0.5


def random_flip_left_right(image: Any, seed: Any = None) -> Tensor:
    """tf.image.random_flip_left_right: mirror each image's width with probability 1/2."""
    return _random_flip(image, seed, "tf.image.random_flip_left_right", 1,
                        lambda s: _random.uniform(s, 0, 1.0, seed=seed))


def random_flip_up_down(image: Any, seed: Any = None) -> Tensor:
    """tf.image.random_flip_up_down: mirror each image's height with probability 1/2."""
    return _random_flip(image, seed, "tf.image.random_flip_up_down", 0,
                        lambda s: _random.uniform(s, 0, 1.0, seed=seed))


def stateless_random_flip_left_right(image: Any, seed: Any) -> Tensor:
    """tf.image.stateless_random_flip_left_right: as random_flip_left_right, deterministic in ``seed``."""
    return _random_flip(image, seed, "tf.image.stateless_random_flip_left_right", 1,
                        lambda s: _random.stateless_uniform(s, seed, 0, 1.0))


def stateless_random_flip_up_down(image: Any, seed: Any) -> Tensor:
    """tf.image.stateless_random_flip_up_down: as random_flip_up_down, deterministic in ``seed``."""
    return _random_flip(image, seed, "tf.image.stateless_random_flip_up_down", 0,
                        lambda s: _random.stateless_uniform(s, seed, 0, 1.0))


def _check_range(lower: Any, upper: Any, fn: str, nonneg: bool = True) -> None:
    if float(upper) <= float(lower):
        raise ValueError(f"{fn}: upper must be > lower, got lower={lower}, upper={upper}.")
    if nonneg and float(lower) < 0:
        raise ValueError(f"{fn}: lower must be non-negative, got {lower}.")


def random_brightness(image: Any, max_delta: float, seed: Any = None) -> Tensor:
    """tf.image.random_brightness: adjust_brightness by a delta drawn uniformly from [-max_delta, max_delta)."""
    if float(max_delta) < 0:
        raise ValueError(f"tf.image.random_brightness: max_delta must be non-negative, got {max_delta}.")
    delta = _random.uniform([], -float(max_delta), float(max_delta), seed=seed)
    return adjust_brightness(image, delta)


def stateless_random_brightness(image: Any, max_delta: float, seed: Any) -> Tensor:
    """tf.image.stateless_random_brightness: random_brightness, deterministic in ``seed``."""
    if float(max_delta) < 0:
        raise ValueError(f"tf.image.stateless_random_brightness: max_delta must be non-negative, got {max_delta}.")
    delta = _random.stateless_uniform([], seed, -float(max_delta), float(max_delta))
    return adjust_brightness(image, delta)


def random_contrast(image: Any, lower: float, upper: float, seed: Any = None) -> Tensor:
    """tf.image.random_contrast: adjust_contrast by a factor drawn uniformly from [lower, upper)."""
    _check_range(lower, upper, "tf.image.random_contrast")
    return adjust_contrast(image, _random.uniform([], float(lower), float(upper), seed=seed))


def stateless_random_contrast(image: Any, lower: float, upper: float, seed: Any) -> Tensor:
    """tf.image.stateless_random_contrast: random_contrast, deterministic in ``seed``."""
    _check_range(lower, upper, "tf.image.stateless_random_contrast")
    return adjust_contrast(image, _random.stateless_uniform([], seed, float(lower), float(upper)))


def random_saturation(image: Any, lower: float, upper: float, seed: Any = None) -> Tensor:
    """tf.image.random_saturation: adjust_saturation by a factor drawn uniformly from [lower, upper)."""
    _check_range(lower, upper, "tf.image.random_saturation")
    return adjust_saturation(image, _random.uniform([], float(lower), float(upper), seed=seed))


def stateless_random_saturation(image: Any, lower: float, upper: float, seed: Any) -> Tensor:
    """tf.image.stateless_random_saturation: random_saturation, deterministic in ``seed``."""
    _check_range(lower, upper, "tf.image.stateless_random_saturation")
    return adjust_saturation(image, _random.stateless_uniform([], seed, float(lower), float(upper)))


def random_hue(image: Any, max_delta: float, seed: Any = None) -> Tensor:
    """tf.image.random_hue: adjust_hue by a delta drawn uniformly from [-max_delta, max_delta]
    (``max_delta`` in [0, 0.5])."""
    if float(max_delta) > 0.5 or float(max_delta) < 0:
        raise ValueError(f"tf.image.random_hue: max_delta must be in [0, 0.5], got {max_delta}.")
    return adjust_hue(image, _random.uniform([], -float(max_delta), float(max_delta), seed=seed))


def stateless_random_hue(image: Any, max_delta: float, seed: Any) -> Tensor:
    """tf.image.stateless_random_hue: random_hue, deterministic in ``seed``."""
    if float(max_delta) > 0.5 or float(max_delta) < 0:
        raise ValueError(f"tf.image.stateless_random_hue: max_delta must be in [0, 0.5], got {max_delta}.")
    return adjust_hue(image, _random.stateless_uniform([], seed, -float(max_delta), float(max_delta)))


def _crop_at(x, offsets, size):
    return jax.lax.dynamic_slice(x, offsets, size)


def _random_crop(value: Any, size: Any, draw: Any, fn: str) -> Tensor:
    x = convert_to_tensor(value)
    size = [int(s) for s in np.asarray(size.array if isinstance(size, Tensor) else size).reshape(-1)]
    shape = list(x.array.shape)
    if len(size) != len(shape):
        raise ValueError(f"{fn}: size {size} must have one entry per dimension of value {shape}.")
    if any(s > d or s < 0 for s, d in zip(size, shape)):
        raise errors.InvalidArgumentError(None, None, f"{fn}: Need value.shape >= size, got {shape} and {size}.")
    limit = [d - s + 1 for d, s in zip(shape, size)]
    offsets = draw(limit)
    return run(_crop_at, (x, offsets), fn, size=tuple(size))


def _offsets(u, limit):
    return jnp.floor(u * jnp.asarray(limit, u.dtype)).astype(jnp.int32) % jnp.asarray(limit, jnp.int32)


def random_crop(value: Any, size: Any, seed: Any = None, name: Any = None) -> Tensor:
    """tf.image.random_crop: a ``size`` slice of ``value`` at a uniformly random offset."""
    fn = "tf.image.random_crop"

    def draw(limit: list) -> Tensor:
        u = _random.uniform([len(limit)], 0, 1.0, dtype=_dt.float64, seed=seed)
        return run(_offsets, (u,), fn, limit=tuple(limit))

    return _random_crop(value, size, draw, fn)


def stateless_random_crop(value: Any, size: Any, seed: Any, name: Any = None) -> Tensor:
    """tf.image.stateless_random_crop: random_crop, deterministic in ``seed``."""
    fn = "tf.image.stateless_random_crop"

    def draw(limit: list) -> Tensor:
        u = _random.stateless_uniform([len(limit)], seed, 0, 1.0, dtype=_dt.float64)
        return run(_offsets, (u,), fn, limit=tuple(limit))

    return _random_crop(value, size, draw, fn)


# ---------------------------------------------------------------------------------------------
# non-max suppression (eager: the number of boxes kept is data-dependent)


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    def norm(b: np.ndarray) -> tuple:
        y1, y2 = np.minimum(b[..., 0], b[..., 2]), np.maximum(b[..., 0], b[..., 2])
        x1, x2 = np.minimum(b[..., 1], b[..., 3]), np.maximum(b[..., 1], b[..., 3])
        return y1, x1, y2, x2

    ay1, ax1, ay2, ax2 = norm(box)
    by1, bx1, by2, bx2 = norm(boxes)
    inter = np.maximum(0, np.minimum(ay2, by2) - np.maximum(ay1, by1)) * np.maximum(
        0, np.minimum(ax2, bx2) - np.maximum(ax1, bx1))
    union = (ay2 - ay1) * (ax2 - ax1) + (by2 - by1) * (bx2 - bx1) - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def _nms(boxes: np.ndarray, scores: np.ndarray, max_out: int, iou_t: float, score_t: float) -> list[int]:
    order = [i for i in np.argsort(-scores, kind="stable") if scores[i] > score_t]
    keep: list[int] = []
    for i in order:
        if len(keep) >= max_out:
            break
        if not keep or np.all(_iou(boxes[i], boxes[np.array(keep)]) <= iou_t):
            keep.append(int(i))
    return keep


def _nms_inputs(boxes: Any, scores: Any, fn: str) -> tuple:
    b, s = convert_to_tensor(boxes), convert_to_tensor(scores)
    if b.array.ndim != 2 or b.array.shape[-1] != 4:
        raise ValueError(f"{fn}: boxes must be [num_boxes, 4], got {list(b.array.shape)}.")
    if s.array.ndim != 1 or s.array.shape[0] != b.array.shape[0]:
        raise ValueError(f"{fn}: scores must be [num_boxes] matching boxes, got {list(s.array.shape)}.")
    if not isinstance(b.array, jax.Array) or isinstance(b.array, jax.core.Tracer):
        raise NotImplementedError(f"{fn}: not supported inside tf.function in tfshim yet (the number of kept boxes "
                                  "depends on the values); call it eagerly or use non_max_suppression_padded.")
    return np.asarray(b.array, np.float64), np.asarray(s.array, np.float64)


def non_max_suppression(boxes: Any, scores: Any, max_output_size: Any, iou_threshold: float = 0.5,
                        score_threshold: float = float("-inf"), name: Any = None) -> Tensor:
    """tf.image.non_max_suppression: indices (int32) of the boxes greedy NMS keeps, best score first.
    Eager only in tfshim (see docs/differences.md)."""
    fn = "tf.image.non_max_suppression"
    b, s = _nms_inputs(boxes, scores, fn)
    keep = _nms(b, s, _int(max_output_size, fn, "max_output_size"), float(iou_threshold), float(score_threshold))
    return convert_to_tensor(np.asarray(keep, np.int32))


def non_max_suppression_with_scores(boxes: Any, scores: Any, max_output_size: Any, iou_threshold: float = 0.5,
                                    score_threshold: float = float("-inf"), soft_nms_sigma: float = 0.0,
                                    name: Any = None) -> tuple:
    """tf.image.non_max_suppression_with_scores: (indices, scores) of the kept boxes (hard NMS; soft NMS with
    ``soft_nms_sigma > 0`` is not implemented)."""
    fn = "tf.image.non_max_suppression_with_scores"
    if float(soft_nms_sigma) != 0.0:
        raise NotImplementedError(f"{fn}: soft_nms_sigma > 0 is not implemented in tfshim yet.")
    b, s = _nms_inputs(boxes, scores, fn)
    keep = _nms(b, s, _int(max_output_size, fn, "max_output_size"), float(iou_threshold), float(score_threshold))
    sc = convert_to_tensor(scores)
    return convert_to_tensor(np.asarray(keep, np.int32)), convert_to_tensor(
        np.asarray(np.asarray(sc.array)[keep], np.asarray(sc.array).dtype))


def non_max_suppression_padded(boxes: Any, scores: Any, max_output_size: Any, iou_threshold: float = 0.5,
                               score_threshold: float = float("-inf"), pad_to_max_output_size: bool = False,
                               name: Any = None, sorted_input: bool = False, canonicalized_coordinates: bool = False,
                               tile_size: int = 512) -> tuple:
    """tf.image.non_max_suppression_padded (unbatched): (indices padded with 0 to ``max_output_size`` when
    ``pad_to_max_output_size``, number of valid indices)."""
    fn = "tf.image.non_max_suppression_padded"
    b, s = _nms_inputs(boxes, scores, fn)
    m = _int(max_output_size, fn, "max_output_size")
    keep = _nms(b, s, m, float(iou_threshold), float(score_threshold))
    out = keep + [0] * (m - len(keep)) if pad_to_max_output_size else keep
    return convert_to_tensor(np.asarray(out, np.int32)), convert_to_tensor(np.int32(len(keep)))


for _name, _fn in [
    ("resize", resize), ("crop_to_bounding_box", crop_to_bounding_box), ("pad_to_bounding_box", pad_to_bounding_box),
    ("resize_with_crop_or_pad", resize_with_crop_or_pad), ("central_crop", central_crop),
    ("resize_with_pad", resize_with_pad), ("flip_left_right", flip_left_right), ("flip_up_down", flip_up_down),
    ("rot90", rot90), ("transpose", transpose), ("convert_image_dtype", convert_image_dtype),
    ("rgb_to_yuv", rgb_to_yuv), ("yuv_to_rgb", yuv_to_rgb), ("rgb_to_yiq", rgb_to_yiq), ("yiq_to_rgb", yiq_to_rgb),
    ("rgb_to_grayscale", rgb_to_grayscale), ("grayscale_to_rgb", grayscale_to_rgb), ("rgb_to_hsv", rgb_to_hsv),
    ("hsv_to_rgb", hsv_to_rgb), ("adjust_brightness", adjust_brightness), ("adjust_contrast", adjust_contrast),
    ("adjust_gamma", adjust_gamma), ("adjust_saturation", adjust_saturation), ("adjust_hue", adjust_hue),
    ("per_image_standardization", per_image_standardization), ("psnr", psnr), ("ssim", ssim),
    ("image_gradients", image_gradients), ("sobel_edges", sobel_edges), ("total_variation", total_variation),
    ("random_flip_left_right", random_flip_left_right), ("random_flip_up_down", random_flip_up_down),
    ("stateless_random_flip_left_right", stateless_random_flip_left_right),
    ("stateless_random_flip_up_down", stateless_random_flip_up_down),
    ("random_brightness", random_brightness), ("stateless_random_brightness", stateless_random_brightness),
    ("random_contrast", random_contrast), ("stateless_random_contrast", stateless_random_contrast),
    ("random_saturation", random_saturation), ("stateless_random_saturation", stateless_random_saturation),
    ("random_hue", random_hue), ("stateless_random_hue", stateless_random_hue),
    ("random_crop", random_crop), ("stateless_random_crop", stateless_random_crop),
    ("non_max_suppression", non_max_suppression),
    ("non_max_suppression_with_scores", non_max_suppression_with_scores),
    ("non_max_suppression_padded", non_max_suppression_padded),
]:
    register((f"image.{_name}",), _fn)
register(("image.ResizeMethod",), ResizeMethod, grad=False)

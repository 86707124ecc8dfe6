"""tf.image against real TF in the same process: values, dtypes, shapes, gradients and errors."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim

RNG = np.random.default_rng(7)
F3 = RNG.random((7, 9, 3), np.float32)  # odd sizes, unbatched
F4 = RNG.random((2, 6, 5, 3), np.float32)
U8 = RNG.integers(0, 256, (2, 8, 6, 3), dtype=np.uint8)


def _np(x):
    return [_np(v) for v in x] if isinstance(x, (tuple, list)) else np.asarray(x)


def _same(got, ref, rtol=1e-5, atol=1e-5):
    got, ref = _np(got), _np(ref)
    if isinstance(ref, list):
        assert len(got) == len(ref)
        for g, r in zip(got, ref):
            _same(g, r, rtol, atol)
        return
    assert got.dtype == ref.dtype, (got.dtype, ref.dtype)
    assert got.shape == ref.shape, (got.shape, ref.shape)
    if got.dtype.kind in "iub":
        np.testing.assert_array_equal(got, ref)
    else:
        np.testing.assert_allclose(got, ref, rtol=rtol, atol=atol)


def both(tf_ref, f, *args, **kw):
    return f(tfshim, *args, **kw), f(tf_ref, *args, **kw)


RESIZE = [
    (m, aa, size, src)
    for m in ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")
    for aa in (False, True)
    for size in ((11, 4), (3, 13))
    for src in ("f3", "f4", "u8")
]


@pytest.mark.parametrize("method,antialias,size,src", RESIZE)
def test_resize_matches_tf(tf_ref, method, antialias, size, src):
    img = {"f3": F3, "f4": F4, "u8": U8}[src]
    g, r = both(tf_ref, lambda tf: tf.image.resize(tf.constant(img), size, method=method, antialias=antialias))
    _same(g, r, rtol=1e-4, atol=1e-3 if src == "u8" else 1e-5)


@pytest.mark.parametrize("size", [(10, 10), (4, 12), (20, 3)])
def test_resize_preserve_aspect_ratio(tf_ref, size):
    g, r = both(tf_ref, lambda tf: tf.image.resize(tf.constant(F3), size, preserve_aspect_ratio=True))
    _same(g, r)


@pytest.mark.parametrize("method", ["bilinear", "bicubic", "lanczos3", "nearest"])
def test_resize_gradient_matches_tf(tf_ref, method):
    def grad(tf):
        x = tf.constant(F4)
        w = tf.constant(np.linspace(-1, 1, 2 * 9 * 4 * 3, dtype=np.float32).reshape(2, 9, 4, 3))
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = tf.reduce_sum(tf.image.resize(x, (9, 4), method=method) * w)
        return tape.gradient(y, x)

    g, r = both(tf_ref, grad)
    _same(g, r, rtol=1e-4, atol=1e-5)


def test_resize_in_tf_function_matches_eager(tf_ref):
    f = tfshim.function(lambda x: tfshim.image.resize(x, (5, 5)))
    _same(f(tfshim.constant(F4)), tf_ref.image.resize(tf_ref.constant(F4), (5, 5)))


GEOMETRY = [
    ("flip_left_right", lambda tf, x: tf.image.flip_left_right(x)),
    ("flip_up_down", lambda tf, x: tf.image.flip_up_down(x)),
    ("rot90_1", lambda tf, x: tf.image.rot90(x)),
    ("rot90_3", lambda tf, x: tf.image.rot90(x, k=3)),
    ("rot90_2", lambda tf, x: tf.image.rot90(x, 2)),
    ("transpose", lambda tf, x: tf.image.transpose(x)),
    ("crop_to_bounding_box", lambda tf, x: tf.image.crop_to_bounding_box(x, 1, 2, 3, 2)),
    ("pad_to_bounding_box", lambda tf, x: tf.image.pad_to_bounding_box(x, 1, 2, 12, 12)),
    ("resize_with_crop_or_pad_small", lambda tf, x: tf.image.resize_with_crop_or_pad(x, 3, 4)),
    ("resize_with_crop_or_pad_big", lambda tf, x: tf.image.resize_with_crop_or_pad(x, 11, 10)),
    ("resize_with_crop_or_pad_mixed", lambda tf, x: tf.image.resize_with_crop_or_pad(x, 3, 12)),
    ("central_crop", lambda tf, x: tf.image.central_crop(x, 0.5)),
    ("central_crop_odd", lambda tf, x: tf.image.central_crop(x, 0.33)),
    ("resize_with_pad", lambda tf, x: tf.image.resize_with_pad(x, 10, 4)),
    ("resize_with_pad_wide", lambda tf, x: tf.image.resize_with_pad(x, 4, 12)),
    ("total_variation", lambda tf, x: tf.image.total_variation(tf.cast(x, tf.float32))),
    ("per_image_standardization", lambda tf, x: tf.image.per_image_standardization(x)),
]


@pytest.mark.parametrize("name,f", GEOMETRY, ids=[n for n, _ in GEOMETRY])
@pytest.mark.parametrize("src", ["f3", "f4", "u8"])
def test_geometry_matches_tf(tf_ref, name, f, src):
    img = {"f3": F3, "f4": F4, "u8": U8}[src]
    g, r = both(tf_ref, lambda tf: f(tf, tf.constant(img)))
    _same(g, r, rtol=1e-4, atol=1e-4)


CONVERSIONS = [
    (np.uint8, "float32", False), (np.uint8, "float64", False), (np.uint8, "int32", False),
    (np.uint8, "uint16", False), (np.int32, "uint8", False), (np.uint16, "uint8", False),
    (np.float32, "uint8", False), (np.float32, "uint8", True), (np.float32, "int16", True),
    (np.float32, "float16", False), (np.float64, "float32", False), (np.int16, "int8", False),
]


@pytest.mark.parametrize("src,dst,saturate", CONVERSIONS)
def test_convert_image_dtype_matches_tf(tf_ref, src, dst, saturate):
    if np.dtype(src).kind == "f" and saturate:
        img = np.array([[[-0.2, 0.0, 0.3], [0.5, 0.999, 1.2]]], src)
    elif np.dtype(src).kind == "f":  # out-of-range values without saturate: a C cast, undefined in TF
        img = np.array([[[0.0, 0.1, 0.3], [0.5, 0.999, 1.0]]], src)
    else:
        info = np.iinfo(src)
        img = np.array([[[info.min, 0, 1], [info.max // 3, info.max - 1, info.max]]], src)
    g, r = both(tf_ref, lambda tf: tf.image.convert_image_dtype(tf.constant(img), getattr(tf, dst), saturate=saturate))
    _same(g, r, rtol=1e-6, atol=1e-6)


COLOUR = [
    ("rgb_to_grayscale", lambda tf, x: tf.image.rgb_to_grayscale(x)),
    ("grayscale_to_rgb", lambda tf, x: tf.image.grayscale_to_rgb(x[..., :1])),
    ("rgb_to_hsv", lambda tf, x: tf.image.rgb_to_hsv(x)),
    ("hsv_to_rgb", lambda tf, x: tf.image.hsv_to_rgb(x)),
    ("rgb_to_yuv", lambda tf, x: tf.image.rgb_to_yuv(x)),
    ("yuv_to_rgb", lambda tf, x: tf.image.yuv_to_rgb(x)),
    ("rgb_to_yiq", lambda tf, x: tf.image.rgb_to_yiq(x)),
    ("yiq_to_rgb", lambda tf, x: tf.image.yiq_to_rgb(x)),
    ("adjust_brightness", lambda tf, x: tf.image.adjust_brightness(x, 0.2)),
    ("adjust_brightness_neg", lambda tf, x: tf.image.adjust_brightness(x, -0.3)),
    ("adjust_contrast", lambda tf, x: tf.image.adjust_contrast(x, 1.7)),
    ("adjust_gamma", lambda tf, x: tf.image.adjust_gamma(x, 0.5, 1.2)),
    ("adjust_saturation", lambda tf, x: tf.image.adjust_saturation(x, 1.6)),
    ("adjust_hue", lambda tf, x: tf.image.adjust_hue(x, 0.23)),
    ("adjust_hue_neg", lambda tf, x: tf.image.adjust_hue(x, -0.4)),
]


@pytest.mark.parametrize("name,f", COLOUR, ids=[n for n, _ in COLOUR])
@pytest.mark.parametrize("src", ["f3", "f4", "u8"])
def test_colour_matches_tf(tf_ref, name, f, src):
    img = {"f3": F3, "f4": F4, "u8": U8}[src]
    if src == "u8" and name.split("_to_")[0] in ("rgb", "hsv", "yuv", "yiq") and name != "rgb_to_grayscale":
        with pytest.raises(Exception) as ref_err:
            f(tf_ref, tf_ref.constant(img))
        with pytest.raises(Exception) as got_err:
            f(tfshim, tfshim.constant(img))
        assert isinstance(got_err.value, (TypeError, ValueError, tfshim.errors.InvalidArgumentError))
        assert ref_err.value is not None
        return
    g, r = both(tf_ref, lambda tf: f(tf, tf.constant(img)))
    _same(g, r, rtol=1e-4, atol=2e-5 if src != "u8" else 1)


def test_psnr_ssim_gradients_edges_match_tf(tf_ref):
    a, b = F4, np.clip(F4 + RNG.normal(0, 0.05, F4.shape).astype(np.float32), 0, 1)
    big_a = RNG.random((2, 16, 14, 3), np.float32)
    big_b = np.clip(big_a + RNG.normal(0, 0.1, big_a.shape).astype(np.float32), 0, 1)
    for f in (
        lambda tf: tf.image.psnr(tf.constant(a), tf.constant(b), 1.0),
        lambda tf: tf.image.psnr(tf.constant(U8), tf.constant(U8[::-1]), 255),
        lambda tf: tf.image.ssim(tf.constant(big_a), tf.constant(big_b), 1.0),
        lambda tf: tf.image.ssim(tf.constant(big_a), tf.constant(big_b), 1.0, filter_size=5, filter_sigma=0.8),
        lambda tf: tf.image.image_gradients(tf.constant(F4)),
        lambda tf: tf.image.sobel_edges(tf.constant(F4)),
    ):
        g, r = both(tf_ref, f)
        _same(g, r, rtol=1e-4, atol=1e-4)


def test_random_augmentations_shapes_and_seeds(tf_ref):
    x = tfshim.constant(F4)
    for f in (
        lambda tf, x: tf.image.random_flip_left_right(x, seed=3),
        lambda tf, x: tf.image.random_flip_up_down(x, seed=3),
        lambda tf, x: tf.image.random_brightness(x, 0.2, seed=3),
        lambda tf, x: tf.image.random_contrast(x, 0.5, 1.5, seed=3),
        lambda tf, x: tf.image.random_saturation(x, 0.5, 1.5, seed=3),
        lambda tf, x: tf.image.random_hue(x, 0.2, seed=3),
        lambda tf, x: tf.image.random_crop(x, [2, 3, 3, 3], seed=3),
        lambda tf, x: tf.image.stateless_random_flip_left_right(x, seed=(1, 2)),
        lambda tf, x: tf.image.stateless_random_flip_up_down(x, seed=(1, 2)),
        lambda tf, x: tf.image.stateless_random_brightness(x, 0.2, seed=(1, 2)),
        lambda tf, x: tf.image.stateless_random_contrast(x, 0.5, 1.5, seed=(1, 2)),
        lambda tf, x: tf.image.stateless_random_saturation(x, 0.5, 1.5, seed=(1, 2)),
        lambda tf, x: tf.image.stateless_random_hue(x, 0.2, seed=(1, 2)),
        lambda tf, x: tf.image.stateless_random_crop(x, [2, 3, 3, 3], seed=(1, 2)),
    ):
        got = f(tfshim, x)
        ref = f(tf_ref, tf_ref.constant(F4))
        assert got.shape.as_list() == ref.shape.as_list() and got.dtype.name == ref.dtype.name
    a = tfshim.image.stateless_random_crop(x, [2, 3, 3, 3], seed=(4, 5))
    b = tfshim.image.stateless_random_crop(x, [2, 3, 3, 3], seed=(4, 5))
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    # a flip is a flip: every image is either unchanged or mirrored
    flipped = tfshim.image.random_flip_left_right(x, seed=1).numpy()
    for i in range(2):
        assert np.array_equal(flipped[i], F4[i]) or np.array_equal(flipped[i], F4[i, :, ::-1])
    # crops are windows of the input
    crop = tfshim.image.random_crop(tfshim.constant(F3), [3, 4, 3], seed=2).numpy()
    hits = [(i, j) for i in range(5) for j in range(6) if np.array_equal(F3[i:i + 3, j:j + 4], crop)]
    assert len(hits) == 1


def test_non_max_suppression_matches_tf(tf_ref):
    boxes = np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1],
                      [0, 100, 1, 101]], np.float32)
    scores = np.array([0.9, 0.75, 0.6, 0.95, 0.5, 0.3], np.float32)
    for f in (
        lambda tf: tf.image.non_max_suppression(boxes, scores, 3, iou_threshold=0.5),
        lambda tf: tf.image.non_max_suppression(boxes, scores, 10, iou_threshold=0.5, score_threshold=0.4),
        lambda tf: tf.image.non_max_suppression_with_scores(boxes, scores, 6, iou_threshold=0.4),
        lambda tf: tf.image.non_max_suppression_padded(boxes, scores, 5, 0.5, pad_to_max_output_size=True),
    ):
        g, r = both(tf_ref, f)
        _same(g, r)


ERRORS = [
    lambda tf: tf.image.resize(tf.zeros([4, 4]), (2, 2)),
    lambda tf: tf.image.resize(tf.zeros([4, 4, 1]), (2, 2), method="cubicle"),
    lambda tf: tf.image.crop_to_bounding_box(tf.zeros([4, 4, 1]), 2, 2, 3, 3),
    lambda tf: tf.image.pad_to_bounding_box(tf.zeros([4, 4, 1]), 2, 2, 3, 3),
    lambda tf: tf.image.central_crop(tf.zeros([4, 4, 1]), 1.5),
    lambda tf: tf.image.random_contrast(tf.zeros([4, 4, 3]), 1.5, 0.5),
    lambda tf: tf.image.random_hue(tf.zeros([4, 4, 3]), 0.7),
    lambda tf: tf.image.image_gradients(tf.zeros([4, 4, 3])),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_tf_class(tf_ref, i):
    with pytest.raises(Exception) as ref:
        ERRORS[i](tf_ref)
    with pytest.raises(Exception) as got:
        ERRORS[i](tfshim)
    assert type(ref.value).__name__ in [c.__name__ for c in type(got.value).__mro__], (ref.value, got.value)

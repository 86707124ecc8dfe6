"""tf.strings against real TensorFlow: every function of the module, values, dtypes, shapes, ragged row
structure and error classes; hashes byte-identical."""

from __future__ import annotations

import numpy as np
import pytest

import tfshim as tf


def norm(x):
    """A comparable Python value of a Tensor / RaggedTensor / tuple from either library."""
    if isinstance(x, (tuple, list)):
        return [norm(v) for v in x]
    if type(x).__name__ == "RaggedTensor":
        return ("ragged", x.dtype.name, x.ragged_rank, x.to_list())
    a = x.numpy()
    return ("dense", x.dtype.name, tuple(x.shape), a.tolist() if isinstance(a, np.ndarray) else a)


def same_error(ref_e, fn):
    with pytest.raises(Exception) as got:
        fn()
    names = {c.__name__ for c in type(got.value).__mro__}
    assert type(ref_e).__name__ in names, (type(ref_e), type(got.value), got.value)


def check(tf_ref, expr):
    try:
        ref = expr(tf_ref)
    except Exception as e:  # noqa: BLE001
        same_error(e, lambda: expr(tf))
        return
    got = expr(tf)
    r, g = norm(ref), norm(got)
    if r != g:
        # floats: compare numerically
        assert str(r) == str(g) or np.allclose(np.asarray(r[3], float), np.asarray(g[3], float)), (r, g)


W = ["Hello World", "  TensorFlow  ", "", "ÀÉÎ õü", "a,b,,c", "tab\there\nnew", "x"]
M = [["ab", "cd", "ef"], ["Gh", "ij", "kl"]]
CASES = {
    "lower": lambda t: t.strings.lower(W),
    "lower_utf8": lambda t: t.strings.lower(W, encoding="utf-8"),
    "upper": lambda t: t.strings.upper(M),
    "upper_utf8": lambda t: t.strings.upper(W, encoding="utf-8"),
    "strip": lambda t: t.strings.strip(W),
    "length": lambda t: t.strings.length(W),
    "length_utf8": lambda t: t.strings.length(W, unit="UTF8_CHAR"),
    "length_scalar": lambda t: t.strings.length("abc"),
    "length_bad_unit": lambda t: t.strings.length(W, unit="X"),
    "length_number": lambda t: t.strings.length(t.constant([1])),
    "join": lambda t: t.strings.join([t.constant(["a", "b"]), t.constant(["c", "d"])], separator="-"),
    "join_scalar": lambda t: t.strings.join(["x", t.constant(["a", "b"])]),
    "join_bad": lambda t: t.strings.join([t.constant(["a", "b"]), t.constant(["c", "d", "e"])]),
    "reduce_join": lambda t: t.strings.reduce_join(M),
    "reduce_join_0": lambda t: t.strings.reduce_join(M, axis=0, separator=","),
    "reduce_join_1k": lambda t: t.strings.reduce_join(M, axis=1, keepdims=True),
    "reduce_join_neg": lambda t: t.strings.reduce_join(M, axis=-1),
    "split_ws": lambda t: t.strings.split(W),
    "split_sep": lambda t: t.strings.split(W, sep=","),
    "split_max": lambda t: t.strings.split(["a b c d", "e f"], maxsplit=1),
    "split_scalar": lambda t: t.strings.split("a b  c"),
    "split_2d": lambda t: t.strings.split(M, sep="b"),
    "split_ragged": lambda t: t.strings.split(t.ragged.constant([["a b", "c"], ["d e f"]])),
    "bytes_split": lambda t: t.strings.bytes_split(["abc", "", "dé"]),
    "bytes_split_scalar": lambda t: t.strings.bytes_split("hey"),
    "substr": lambda t: t.strings.substr(["Hello", "World!"], 1, 3),
    "substr_neg": lambda t: t.strings.substr(["Hello", "World!"], -3, 2),
    "substr_vec": lambda t: t.strings.substr(["Hello", "World!"], [0, 2], [10, 1]),
    "substr_oob": lambda t: t.strings.substr(["Hi"], 5, 1),
    "substr_utf8": lambda t: t.strings.substr(["ÀÉÎ õü"], 1, 3, unit="UTF8_CHAR"),
    "regex_replace": lambda t: t.strings.regex_replace(W, "[aeiou]", "_"),
    "regex_replace_group": lambda t: t.strings.regex_replace(["ab12cd34"], r"(\d)(\d)", r"\2\1"),
    "regex_replace_whole": lambda t: t.strings.regex_replace(["ab"], r"b", r"<\0>"),
    "regex_replace_first": lambda t: t.strings.regex_replace(["aaa"], "a", "b", replace_global=False),
    "regex_full_match": lambda t: t.strings.regex_full_match(W, r"[A-Za-z ]+"),
    "regex_bad": lambda t: t.strings.regex_full_match(W, "("),
    "to_number": lambda t: t.strings.to_number(["1.5", " 2", "1e3", "-7", "inf", "0x10"]),
    "to_number_f64": lambda t: t.strings.to_number(["0.1", "-2.5e-3"], t.float64),
    "to_number_int": lambda t: t.strings.to_number(["12", "-3", " 4 "], t.int64),
    "to_number_int32_overflow": lambda t: t.strings.to_number(["3000000000"], t.int32),
    "to_number_bad": lambda t: t.strings.to_number(["abc"]),
    "to_number_int_bad": lambda t: t.strings.to_number(["1.5"], t.int32),
    "as_string_f": lambda t: t.strings.as_string(t.constant([1.5, -2.0, 1e10, 0.1])),
    "as_string_prec": lambda t: t.strings.as_string(t.constant([1.23456]), precision=2),
    "as_string_sci": lambda t: t.strings.as_string(t.constant([1234.5]), scientific=True),
    "as_string_short": lambda t: t.strings.as_string(t.constant([1234.5, 0.1]), shortest=True),
    "as_string_int": lambda t: t.strings.as_string(t.constant([3, -12], t.int64), width=5, fill="0"),
    "as_string_int_w": lambda t: t.strings.as_string(t.constant([3, -12]), width=4),
    "as_string_bool": lambda t: t.strings.as_string(t.constant([True, False])),
    "as_string_str": lambda t: t.strings.as_string(t.constant(["a"])),
    "as_string_top": lambda t: t.as_string(t.constant([7])),
    "format": lambda t: t.strings.format("{} and {}", [t.constant(["a", "b"]), t.constant([1.5, 2.0])]),
    "format_summarize": lambda t: t.strings.format("x={}", t.range(10), summarize=2),
    "format_scalar": lambda t: t.strings.format("v: {}", t.constant(3)),
    "hash_fast": lambda t: t.strings.to_hash_bucket_fast(W + ["a" * 100, "b" * 33], 1000),
    "hash_fast_2d": lambda t: t.strings.to_hash_bucket_fast(M, 7),
    "hash_fast_big": lambda t: t.strings.to_hash_bucket_fast(W, 2 ** 62),
    "hash_fast_bad": lambda t: t.strings.to_hash_bucket_fast(W, 0),
    "hash_strong": lambda t: t.strings.to_hash_bucket_strong(W + ["q" * 64, "z" * 15], 997, [12345, 67890]),
    "hash_strong_bigkey": lambda t: t.strings.to_hash_bucket_strong(W, 2 ** 40, [2 ** 63 + 5, 2 ** 64 - 1]),
    "hash_strong_negkey": lambda t: t.strings.to_hash_bucket_strong(W, 2 ** 40, [-(2 ** 63), -1]),
    "hash_legacy": lambda t: t.strings.to_hash_bucket(W + ["0123456789abcdef" * 3], 12345),
    "unicode_decode": lambda t: t.strings.unicode_decode(["ÀÉ", "abc", ""], "UTF-8"),
    "unicode_decode_scalar": lambda t: t.strings.unicode_decode("hé", "UTF-8"),
    "unicode_decode_bad": lambda t: t.strings.unicode_decode([b"a\xffb"], "UTF-8"),
    "unicode_decode_strict": lambda t: t.strings.unicode_decode([b"a\xffb"], "UTF-8", errors="strict"),
    "unicode_decode_ignore": lambda t: t.strings.unicode_decode([b"a\xffb"], "UTF-8", errors="ignore"),
    "unicode_decode_off": lambda t: t.strings.unicode_decode_with_offsets(["ÀÉx", "ab"], "UTF-8"),
    "unicode_decode_ctrl": lambda t: t.strings.unicode_decode(["a\x01b"], "UTF-8", replace_control_characters=True),
    "unicode_encode": lambda t: t.strings.unicode_encode(t.ragged.constant([[72, 233], [0x1F600]]), "UTF-8"),
    "unicode_encode_dense": lambda t: t.strings.unicode_encode(t.constant([[72, 105], [104, 33]]), "UTF-8"),
    "unicode_encode_bad": lambda t: t.strings.unicode_encode(t.constant([[72, -5]]), "UTF-8"),
    "unicode_encode_16": lambda t: t.strings.unicode_encode(t.constant([[72, 233]]), "UTF-16-BE"),
    "unicode_split": lambda t: t.strings.unicode_split(["ÀÉx", "ab"], "UTF-8"),
    "unicode_split_off": lambda t: t.strings.unicode_split_with_offsets(["ÀÉx"], "UTF-8"),
    "unicode_transcode": lambda t: t.strings.unicode_transcode(["Hé"], "UTF-8", "UTF-16-BE"),
    "unicode_transcode_back": lambda t: t.strings.unicode_transcode([b"\x00H\x00\xe9"], "UTF-16-BE", "UTF-8"),
    "unicode_script": lambda t: t.strings.unicode_script(t.constant([72, 0x416, 0x5D0, 0x627, 0x4E2D, 32, 0x3042,
                                                                    0xAC00, 0x3B1], t.int32)),
    "ngrams": lambda t: t.strings.ngrams(t.ragged.constant([["a", "b", "c"], ["d"]]), 2),
    "ngrams_dense": lambda t: t.strings.ngrams(t.constant(["a", "b", "c", "d"]), [2, 3], separator="_"),
    "ngrams_pad": lambda t: t.strings.ngrams(t.constant([["a", "b", "c"]]), 2, pad_values=("<", ">")),
    "ngrams_short": lambda t: t.strings.ngrams(t.ragged.constant([["a"], ["b", "c"]]), 3,
                                               preserve_short_sequences=True),
    "unsorted_segment_join": lambda t: t.strings.unsorted_segment_join(["a", "b", "c", "d"], [1, 0, 1, 1], 3, "|"),
    "ragged_lower": lambda t: t.strings.lower(t.ragged.constant([["AB"], ["C", "D"]])),
    "ragged_length": lambda t: t.strings.length(t.ragged.constant([["AB"], ["C", "Dé"]])),
    "ragged_hash": lambda t: t.strings.to_hash_bucket_fast(t.strings.split(["a b", "c"]), 50),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_strings_match_tf(tf_ref, name):
    check(tf_ref, CASES[name])


def test_module_complete(tf_ref):
    public = {n for n in dir(tf_ref.strings) if not n.startswith("_")}
    missing = {n for n in public if not hasattr(tf.strings, n)}
    assert not missing, missing


def test_hash_random_strings_identical(tf_ref):
    rng = np.random.default_rng(0)
    words = [bytes(rng.integers(0, 256, size=int(n), dtype=np.uint8)) for n in rng.integers(0, 80, 300)]
    for fn in (lambda t: t.strings.to_hash_bucket_fast(words, 2 ** 63 - 1),
               lambda t: t.strings.to_hash_bucket_strong(words, 2 ** 63 - 1, [7, 11]),
               lambda t: t.strings.to_hash_bucket(words, 2 ** 63 - 1)):
        assert fn(tf).numpy().tolist() == fn(tf_ref).numpy().tolist()


def test_py_function_on_strings(tf_ref):
    for lib in (tf_ref, tf):
        def upper(x):
            return lib.constant([s.upper() for s in x.numpy()])
        out = lib.py_function(upper, [lib.constant([b"ab", b"c"])], lib.string)
        assert out.numpy().tolist() == [b"AB", b"C"]

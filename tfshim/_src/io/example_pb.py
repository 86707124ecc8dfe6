"""tf.train.Example, SequenceExample, Features, Feature, FeatureList(s), BytesList, FloatList, Int64List.

Real protobuf messages (the ``protobuf`` runtime, its upb C backend where installed): wire format and
text format are TF's, since the message names, field numbers and types are those of TF's
``tensorflow/core/example/{feature,example}.proto`` (package ``tensorflow``). The descriptors are built
here in code rather than by copying TF's ``.proto`` files into the repository: nine small messages are
clearer as data, no generated ``_pb2`` file or protoc run is needed, and they live in a private
descriptor pool, so they never collide with TF's own classes when both are imported in one process.

``ExampleBatch`` (``repeated Example example = 1``) is tfshim's own: the concatenation of the records,
each prefixed with its tag and length, is a valid serialization of it, so one C-level parse reads a
whole batch of records (``parse_example``'s fast path).
"""

from __future__ import annotations

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_F = descriptor_pb2.FieldDescriptorProto
_POOL = descriptor_pool.DescriptorPool()


def _field(msg: descriptor_pb2.DescriptorProto, name: str, number: int, ftype: int, label: int = _F.LABEL_OPTIONAL,
           type_name: str = "", packed: bool = False, oneof: int | None = None) -> None:
    f = msg.field.add(name=name, number=number, type=ftype, label=label)
    if type_name:
        f.type_name = type_name
    if packed:
        f.options.packed = True
    if oneof is not None:
        f.oneof_index = oneof
    f.json_name = "".join(p.capitalize() if i else p for i, p in enumerate(name.split("_")))


def _map(msg: descriptor_pb2.DescriptorProto, name: str, entry: str, value_type: str) -> None:
    e = msg.nested_type.add(name=entry)
    e.options.map_entry = True
    _field(e, "key", 1, _F.TYPE_STRING)
    _field(e, "value", 2, _F.TYPE_MESSAGE, type_name=value_type)
    _field(msg, name, 1, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, f"{msg.name and ''}{entry}")
    msg.field[-1].type_name = f".tensorflow.{msg.name}.{entry}"


def _build() -> None:
    feat = descriptor_pb2.FileDescriptorProto(name="tensorflow/core/example/feature.proto", package="tensorflow",
                                              syntax="proto3")
    for name, ftype, packed in (("BytesList", _F.TYPE_BYTES, False), ("FloatList", _F.TYPE_FLOAT, True),
                                ("Int64List", _F.TYPE_INT64, True)):
        m = feat.message_type.add(name=name)
        _field(m, "value", 1, ftype, _F.LABEL_REPEATED, packed=packed)
    m = feat.message_type.add(name="Feature")
    m.oneof_decl.add(name="kind")
    _field(m, "bytes_list", 1, _F.TYPE_MESSAGE, type_name=".tensorflow.BytesList", oneof=0)
    _field(m, "float_list", 2, _F.TYPE_MESSAGE, type_name=".tensorflow.FloatList", oneof=0)
    _field(m, "int64_list", 3, _F.TYPE_MESSAGE, type_name=".tensorflow.Int64List", oneof=0)
    m = feat.message_type.add(name="Features")
    _map(m, "feature", "FeatureEntry", ".tensorflow.Feature")
    m = feat.message_type.add(name="FeatureList")
    _field(m, "feature", 1, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".tensorflow.Feature")
    m = feat.message_type.add(name="FeatureLists")
    _map(m, "feature_list", "FeatureListEntry", ".tensorflow.FeatureList")
    feat.options.cc_enable_arenas = True
    _POOL.Add(feat)

    ex = descriptor_pb2.FileDescriptorProto(name="tensorflow/core/example/example.proto", package="tensorflow",
                                            syntax="proto3", dependency=["tensorflow/core/example/feature.proto"])
    m = ex.message_type.add(name="Example")
    _field(m, "features", 1, _F.TYPE_MESSAGE, type_name=".tensorflow.Features")
    m = ex.message_type.add(name="SequenceExample")
    _field(m, "context", 1, _F.TYPE_MESSAGE, type_name=".tensorflow.Features")
    _field(m, "feature_lists", 2, _F.TYPE_MESSAGE, type_name=".tensorflow.FeatureLists")
    _POOL.Add(ex)

    batch = descriptor_pb2.FileDescriptorProto(name="tfshim/example_batch.proto", package="tfshim",
                                               syntax="proto3", dependency=["tensorflow/core/example/example.proto"])
    m = batch.message_type.add(name="ExampleBatch")
    _field(m, "example", 1, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".tensorflow.Example")
    m = batch.message_type.add(name="SequenceExampleBatch")
    _field(m, "example", 1, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".tensorflow.SequenceExample")
    _POOL.Add(batch)


_build()


def _cls(full_name: str) -> type:
    return message_factory.GetMessageClass(_POOL.FindMessageTypeByName(full_name))


BytesList = _cls("tensorflow.BytesList")
FloatList = _cls("tensorflow.FloatList")
Int64List = _cls("tensorflow.Int64List")
Feature = _cls("tensorflow.Feature")
Features = _cls("tensorflow.Features")
FeatureList = _cls("tensorflow.FeatureList")
FeatureLists = _cls("tensorflow.FeatureLists")
Example = _cls("tensorflow.Example")
SequenceExample = _cls("tensorflow.SequenceExample")
ExampleBatch = _cls("tfshim.ExampleBatch")
SequenceExampleBatch = _cls("tfshim.SequenceExampleBatch")

package dev.recsys.export.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Locale;

/**
 * Builds one ONNX graph (default domain, opset {@value #OPSET}; {@code ai.onnx.ml} version {@value #ML_OPSET} when
 * a graph uses it) node by node, naming intermediate values.
 */
final class GraphBuilder {

  /** The operator set every recsys graph is written for. */
  static final int OPSET = 17;
  /** The {@code ai.onnx.ml} operator set tree ensembles are written for (TreeEnsembleRegressor v3). */
  static final int ML_OPSET = 3;
  static final String ML_DOMAIN = "ai.onnx.ml";
  /** IR version 8 is the one that goes with opset 17. */
  private static final long IR_VERSION = 8;
  /** Symbolic name of the dynamic batch dimension. */
  static final String BATCH = "batch";

  private final GraphProto.Builder graph;
  private int counter;
  private boolean usesMl;

  GraphBuilder(String name) {
    graph = GraphProto.newBuilder().setName(name);
  }

  /** Declares a graph input; each dim is a number (fixed size) or a String (symbolic, dynamic size). */
  void input(String name, ElementType type, Object... dims) {
    graph.addInput(valueInfo(name, type, dims));
  }

  /** Declares a graph output; each dim is a number (fixed size) or a String (symbolic, dynamic size). */
  void output(String name, ElementType type, Object... dims) {
    graph.addOutput(valueInfo(name, type, dims));
  }

  /** Adds a float32 initializer and returns its name. */
  String floats(String name, float[] data, long... dims) {
    ByteBuffer bytes = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(data);
    return addInitializer(name, TensorProto.DataType.FLOAT, bytes, dims);
  }

  /** Adds an int64 initializer and returns its name; no dims makes a scalar. */
  String longs(String name, long[] data, long... dims) {
    ByteBuffer bytes = ByteBuffer.allocate(data.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asLongBuffer().put(data);
    return addInitializer(name, TensorProto.DataType.INT64, bytes, dims);
  }

  /** Adds a scalar float32 constant and returns its name. */
  String scalar(String prefix, float value) {
    return floats(fresh(prefix), new float[] {value});
  }

  /** Adds a scalar int64 constant and returns its name. */
  String scalar(String prefix, long value) {
    return longs(fresh(prefix), new long[] {value});
  }

  /** Adds a 1-d int64 constant and returns its name. */
  String vector(String prefix, long... values) {
    return longs(fresh(prefix), values, values.length);
  }

  /** Adds a node with a generated output name and returns that name. */
  String op(String opType, List<String> inputs, AttributeProto... attributes) {
    String out = fresh(opType.toLowerCase(Locale.ROOT));
    opTo(out, opType, inputs, attributes);
    return out;
  }

  /** Adds a node whose output is named {@code output} (used for the graph outputs). */
  void opTo(String output, String opType, List<String> inputs, AttributeProto... attributes) {
    graph.addNode(NodeProto.newBuilder()
        .setName(output + "_node")
        .setOpType(opType)
        .addAllInput(inputs)
        .addOutput(output)
        .addAllAttribute(List.of(attributes)));
  }

  /** Adds an {@code ai.onnx.ml} node whose output is named {@code output}. */
  void mlOpTo(String output, String opType, List<String> inputs, List<AttributeProto> attributes) {
    usesMl = true;
    graph.addNode(NodeProto.newBuilder()
        .setName(output + "_node")
        .setOpType(opType)
        .setDomain(ML_DOMAIN)
        .addAllInput(inputs)
        .addOutput(output)
        .addAllAttribute(attributes));
  }

  /** Returns the serialised model. */
  byte[] toModelBytes() {
    ModelProto.Builder model = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .setProducerName("recsys")
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
    if (usesMl) {
      model.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(ML_DOMAIN).setVersion(ML_OPSET));
    }
    return model.setGraph(graph).build().toByteArray();
  }

  static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  static AttributeProto intsAttr(String name, long... values) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      b.addInts(v);
    }
    return b.build();
  }

  static AttributeProto floatAttr(String name, float value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  static AttributeProto floatsAttr(String name, float... values) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.FLOATS);
    for (float v : values) {
      b.addFloats(v);
    }
    return b.build();
  }

  static AttributeProto stringAttr(String name, String value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value)).build();
  }

  static AttributeProto stringsAttr(String name, List<String> values) {
    AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.STRINGS);
    for (String v : values) {
      b.addStrings(ByteString.copyFromUtf8(v));
    }
    return b.build();
  }

  private String addInitializer(String name, TensorProto.DataType type, ByteBuffer littleEndian, long... dims) {
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
    for (long d : dims) {
      t.addDims(d);
    }
    graph.addInitializer(t.setRawData(ByteString.copyFrom(littleEndian.array())));
    return name;
  }

  String fresh(String prefix) {
    return prefix + "_" + counter++;
  }

  private static ValueInfoProto valueInfo(String name, ElementType type, Object... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (Object d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      if (d instanceof String param) {
        dim.setDimParam(param);
      } else {
        dim.setDimValue(((Number) d).longValue());
      }
      shape.addDim(dim);
    }
    TensorProto.DataType elem = type == ElementType.FLOAT32 ? TensorProto.DataType.FLOAT : TensorProto.DataType.INT64;
    TypeProto.Tensor tensor = TypeProto.Tensor.newBuilder().setElemType(elem.getNumber()).setShape(shape).build();
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(tensor)).build();
  }
}

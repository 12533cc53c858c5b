package dev.recsys.export.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.recsys.features.config.ServingConfig.OnnxDevice;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs an ONNX model with ONNX Runtime from plain arrays and checks its declared inputs against a spec. One
 * instance may be shared by threads: ONNX Runtime sessions are thread-safe.
 */
public final class OnnxScorer implements AutoCloseable {

  private final OrtEnvironment env;
  private final OrtSession session;
  private final List<TensorSpec> inputs;

  private OnnxScorer(OrtEnvironment env, OrtSession session) throws OrtException {
    this.env = env;
    this.session = session;
    this.inputs = specs(session.getInputInfo());
  }

  /** Returns a scorer for the model file, running each call on {@code threads} threads of the CPU. */
  public static OnnxScorer open(Path model, int threads) throws OrtException {
    return open(model, threads, OnnxDevice.CPU);
  }

  /** Returns a scorer for the serialised model, running each call on {@code threads} threads of the CPU. */
  public static OnnxScorer open(byte[] model, int threads) throws OrtException {
    return open(model, threads, OnnxDevice.CPU);
  }

  /**
   * Returns a scorer for the model file on {@code device}, with {@code threads} intra-op threads; for
   * {@link OnnxDevice#CUDA} see {@link #options}.
   */
  public static OnnxScorer open(Path model, int threads, OnnxDevice device) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = options(threads, device)) {
      return new OnnxScorer(env, env.createSession(model.toString(), options));
    }
  }

  /** Returns a scorer for the serialised model on {@code device}, with {@code threads} intra-op threads. */
  public static OnnxScorer open(byte[] model, int threads, OnnxDevice device) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = options(threads, device)) {
      return new OnnxScorer(env, env.createSession(model, options));
    }
  }

  /** Returns the inputs the model declares, in model order; dynamic dimensions are {@link TensorSpec#DYNAMIC}. */
  public List<TensorSpec> inputs() {
    return inputs;
  }

  /** Returns the output names, in model order. */
  public List<String> outputNames() {
    return List.copyOf(session.getOutputNames());
  }

  /**
   * Checks that the model's inputs are exactly {@code expected}: same names and types, and every fixed model
   * dimension equal to the spec's. Throws {@link IllegalStateException} listing every difference, each naming
   * both sides ("model expects user_dense float32 [?, 12] but spec says float32 [?, 11]").
   */
  public void checkInputs(List<TensorSpec> expected) {
    Map<String, TensorSpec> declared = new LinkedHashMap<>();
    inputs.forEach(s -> declared.put(s.name(), s));
    List<String> problems = new ArrayList<>();
    for (TensorSpec want : expected) {
      TensorSpec have = declared.remove(want.name());
      if (have == null) {
        problems.add("spec has " + want + " but the model has no input '" + want.name() + "'");
      } else if (!have.accepts(want)) {
        problems.add("model expects " + have + " but spec says " + want.type() + " " + want.shapeString());
      }
    }
    declared.values().forEach(extra -> problems.add("model expects " + extra + " but the spec does not list it"));
    if (!problems.isEmpty()) {
      throw new IllegalStateException("ONNX model inputs do not match the spec: " + String.join("; ", problems)
          + ". Model inputs: " + inputs + ", spec: " + expected);
    }
  }

  /**
   * Returns every float32 output of one run, flattened row-major (1st axis is batch), by output name. Fails
   * naming both sides when an input is missing, unknown or of the wrong type.
   */
  public Map<String, float[]> run(List<TensorInput> feed) throws OrtException {
    checkFeed(feed);
    Map<String, OnnxTensor> tensors = new HashMap<>();
    try {
      for (TensorInput in : feed) {
        OnnxTensor t = in.type() == ElementType.FLOAT32
            ? OnnxTensor.createTensor(env, (FloatBuffer) in.buffer(), in.shape())
            : OnnxTensor.createTensor(env, (LongBuffer) in.buffer(), in.shape());
        tensors.put(in.name(), t);
      }
      Map<String, float[]> out = new LinkedHashMap<>();
      try (OrtSession.Result result = session.run(tensors)) {
        for (Map.Entry<String, OnnxValue> e : result) {
          if (e.getValue() instanceof OnnxTensor t && t.getInfo().type == OnnxJavaType.FLOAT) {
            FloatBuffer values = t.getFloatBuffer();
            float[] copy = new float[values.remaining()];
            values.get(copy);
            out.put(e.getKey(), copy);
          }
        }
      }
      return out;
    } finally {
      tensors.values().forEach(OnnxTensor::close);
    }
  }

  /** Closes the session; the process-wide environment stays open for other scorers. */
  @Override
  public void close() throws OrtException {
    session.close();
  }

  private void checkFeed(List<TensorInput> feed) {
    Map<String, TensorSpec> declared = new HashMap<>();
    inputs.forEach(s -> declared.put(s.name(), s));
    Set<String> fed = new LinkedHashSet<>();
    for (TensorInput in : feed) {
      if (!fed.add(in.name())) {
        throw new IllegalArgumentException("input " + in.name() + " was given twice");
      }
      TensorSpec spec = declared.get(in.name());
      if (spec == null) {
        throw new IllegalArgumentException("model has no input '" + in.name() + "'; its inputs are " + inputs);
      }
      if (spec.type() != in.type()) {
        throw new IllegalArgumentException(
            "model expects " + spec + " but " + in.name() + " was given as " + in.type());
      }
    }
    if (fed.size() != inputs.size()) {
      throw new IllegalArgumentException("model expects inputs " + inputs + " but was given " + fed);
    }
  }

  /**
   * Returns session options for {@code device}. {@link OnnxDevice#CUDA} adds the CUDA execution provider on device
   * 0 (nodes it cannot run stay on the CPU provider) and throws {@link IllegalStateException} saying what is
   * missing when this ONNX Runtime build has no CUDA provider (the CPU {@code onnxruntime} jar) or the provider
   * cannot load (no GPU, or no CUDA 12 / cuDNN 9 libraries); ONNX Runtime reports both as exceptions, so the
   * JVM keeps running and the caller decides.
   */
  static OrtSession.SessionOptions options(int threads, OnnxDevice device) throws OrtException {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be > 0, got " + threads);
    }
    EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
    if (device == OnnxDevice.CUDA && !providers.contains(OrtProvider.CUDA)) {
      throw new IllegalStateException("serving.onnx_device is cuda but this ONNX Runtime build offers only "
          + providers + ": serve with the onnxruntime_gpu jar (./mvnw -Pgpu package, then ./recsys serve with the "
          + "gpu overlay) or set serving.onnx_device: cpu");
    }
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setIntraOpNumThreads(threads);
      options.setInterOpNumThreads(1);
      if (device == OnnxDevice.CUDA) {
        options.addCUDA(0);
      }
      return options;
    } catch (OrtException e) {
      options.close();
      if (device == OnnxDevice.CUDA) {
        throw new IllegalStateException("serving.onnx_device is cuda but ONNX Runtime's CUDA provider cannot start "
            + "(" + e.getMessage() + "): it needs an NVIDIA GPU and the CUDA 12 and cuDNN 9 libraries on the "
            + "library path; or set serving.onnx_device: cpu", e);
      }
      throw e;
    }
  }

  private static List<TensorSpec> specs(Map<String, NodeInfo> info) {
    List<TensorSpec> specs = new ArrayList<>();
    for (Map.Entry<String, NodeInfo> e : info.entrySet()) {
      if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
        throw new IllegalStateException("model input " + e.getKey() + " is not a tensor: " + e.getValue().getInfo());
      }
      ElementType type = switch (t.type) {
        case FLOAT -> ElementType.FLOAT32;
        case INT64 -> ElementType.INT64;
        default -> throw new IllegalStateException(
            "model input " + e.getKey() + " has element type " + t.type + "; recsys models use float32 and int64");
      };
      specs.add(TensorSpec.of(e.getKey(), type, t.getShape()));
    }
    return List.copyOf(specs);
  }
}

package dev.recsys.training;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

/**
 * Per-epoch checkpoints in one directory: {@code <name>-epoch-NNNN.params} holds every parameter of the block
 * and {@code <name>.progress} the completed epochs, their losses and the model config they were trained with.
 * Both are written to a temporary file and moved into place, the progress file last, so a crash mid-save leaves
 * the previous checkpoint usable. Adam's moment estimates are not saved: a resumed run restarts them.
 */
final class Checkpoints {

  private static final String MAGIC = "recsys-params-v1";

  private final Path dir;
  private final String name;
  private final String config;

  /**
   * {@code config} identifies the architecture and training settings; a checkpoint written for other ones is
   * refused.
   */
  Checkpoints(Path dir, String name, String config) {
    this.dir = dir;
    this.name = name;
    this.config = config;
  }

  /**
   * Returns the losses of the epochs the checkpoint holds, after copying its parameters into {@code block}
   * (already initialised); returns an empty list, loading nothing, when the directory has no checkpoint. A
   * checkpoint of other settings, or of more than {@code epochs} epochs, is refused: resuming it would return a
   * model this run did not ask for.
   */
  List<Float> restore(Block block, int epochs) throws IOException {
    Path progressFile = dir.resolve(name + ".progress");
    if (!Files.exists(progressFile)) {
      return List.of();
    }
    Properties progress = new Properties();
    try (Reader r = Files.newBufferedReader(progressFile)) {
      progress.load(r);
    }
    String saved = progress.getProperty("config");
    if (!config.equals(saved)) {
      throw new IllegalStateException("checkpoint in " + dir + " was written for " + saved
          + " but this run has " + config + "; delete it to train from scratch, or use another checkpoint "
          + "directory");
    }
    List<Float> losses = new ArrayList<>();
    for (String loss : progress.getProperty("losses").split(",")) {
      losses.add(Float.parseFloat(loss));
    }
    if (losses.size() > epochs) {
      throw new IllegalStateException("checkpoint in " + dir + " holds " + losses.size() + " epochs of " + name
          + " but this run asks for " + epochs + "; delete it to train from scratch, or use another checkpoint "
          + "directory");
    }
    readParameters(block, dir.resolve(paramsFile(losses.size())));
    return losses;
  }

  /** Saves the block's parameters as the checkpoint of epoch {@code epochLosses.size()}. */
  void save(Block block, List<Float> epochLosses) throws IOException {
    Files.createDirectories(dir);
    int epoch = epochLosses.size();
    Path params = dir.resolve(paramsFile(epoch));
    Path tmp = dir.resolve(params.getFileName() + ".tmp");
    writeParameters(block, tmp);
    Files.move(tmp, params, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    Properties progress = new Properties();
    progress.setProperty("config", config);
    progress.setProperty("epochs", Integer.toString(epoch));
    progress.setProperty("losses", String.join(",", epochLosses.stream().map(String::valueOf).toList()));
    Path progressTmp = dir.resolve(name + ".progress.tmp");
    try (Writer w = Files.newBufferedWriter(progressTmp)) {
      progress.store(w, name + " training progress");
    }
    Files.move(progressTmp, dir.resolve(name + ".progress"),
        StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

    try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, name + "-epoch-*.params")) {
      for (Path p : old) {
        if (!p.equals(params)) {
          Files.delete(p);
        }
      }
    }
  }

  private String paramsFile(int epoch) {
    return String.format("%s-epoch-%04d.params", name, epoch);
  }

  /** Writes every parameter of {@code block} (name, shape, float32 values) to {@code file}. */
  static void writeParameters(Block block, Path file) throws IOException {
    try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
      out.writeUTF(MAGIC);
      out.writeInt(block.getParameters().size());
      for (Pair<String, Parameter> p : block.getParameters()) {
        NDArray array = p.getValue().getArray();
        out.writeUTF(p.getKey());
        long[] shape = array.getShape().getShape();
        out.writeInt(shape.length);
        for (long d : shape) {
          out.writeLong(d);
        }
        for (float v : array.toFloatArray()) {
          out.writeFloat(v);
        }
      }
    }
  }

  /** Copies the saved values into the block's existing arrays, so gradients and optimizer bindings stay. */
  static void readParameters(Block block, Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
      if (!MAGIC.equals(in.readUTF())) {
        throw new IOException(file + " is not a recsys parameter file");
      }
      int count = in.readInt();
      if (count != block.getParameters().size()) {
        throw new IOException(
            file + " holds " + count + " parameters but the model has " + block.getParameters().size());
      }
      for (Pair<String, Parameter> p : block.getParameters()) {
        String saved = in.readUTF();
        long[] shape = new long[in.readInt()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = in.readLong();
        }
        NDArray array = p.getValue().getArray();
        long[] expected = array.getShape().getShape();
        if (!saved.equals(p.getKey()) || !Arrays.equals(shape, expected)) {
          throw new IOException(file + " holds " + saved + " " + Arrays.toString(shape) + " where the model has "
              + p.getKey() + " " + Arrays.toString(expected));
        }
        float[] values = new float[Math.toIntExact(array.size())];
        for (int i = 0; i < values.length; i++) {
          values[i] = in.readFloat();
        }
        array.set(values);
      }
    }
  }
}

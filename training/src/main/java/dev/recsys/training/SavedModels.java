package dev.recsys.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Trained DJL models kept after the training run, so a later application (the export job's ONNX-vs-DJL parity
 * check) can run them again: per model a JSON file with its architecture and a parameter file in the checkpoint
 * format, {@code two_tower.json} + {@code two_tower.params} and {@code dlrm.json} + {@code dlrm.params}; the further
 * members of a two-tower ensemble as {@code two_tower_1.*}, {@code two_tower_2.*} and so on. Each file is written to
 * a temporary name and moved into place.
 */
public final class SavedModels {

  public static final String TWO_TOWER = "two_tower";
  public static final String DLRM = "dlrm";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SavedModels() {}

  /**
   * Returns the names of the files {@link #saveTwoTowers} and {@link #save(DlrmModel, Path)} write for a two-tower
   * ensemble of {@code twoTowerModels} members and the DLRM, relative to their folder.
   */
  public static List<String> files(int twoTowerModels) {
    List<String> out = new ArrayList<>();
    for (int m = 0; m < twoTowerModels; m++) {
      out.add(twoTowerName(m) + ".json");
      out.add(twoTowerName(m) + ".params");
    }
    out.add(DLRM + ".json");
    out.add(DLRM + ".params");
    return out;
  }

  /** Returns whether {@code dir} holds a saved two-tower model and DLRM. */
  public static boolean exist(Path dir) {
    return files(1).stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
  }

  /** Saves the members of a two-tower ensemble (one model: a list of one) into {@code dir}. */
  public static void saveTwoTowers(List<TwoTowerModel> members, Path dir) throws IOException {
    for (int m = 0; m < members.size(); m++) {
      save(twoTowerName(m), members.get(m).config(), members.get(m).djlModel(), dir);
    }
  }

  /** Saves {@code model} into {@code dir} as {@code dlrm.json} and {@code dlrm.params}. */
  public static void save(DlrmModel model, Path dir) throws IOException {
    save(DLRM, model.config(), model.djlModel(), dir);
  }

  /**
   * Returns the members of the two-tower ensemble saved in {@code dir}, in member order (one for a single model);
   * the caller closes them.
   */
  public static List<TwoTowerModel> loadTwoTowers(Path dir) throws IOException {
    List<TwoTowerModel> out = new ArrayList<>();
    try {
      for (int m = 0; m == 0 || Files.isRegularFile(dir.resolve(twoTowerName(m) + ".json")); m++) {
        TwoTowerConfig config = JSON.readValue(dir.resolve(twoTowerName(m) + ".json").toFile(), TwoTowerConfig.class);
        TwoTowerModel model = new TwoTowerModel(config, Device.cpu());
        load(model.djlModel(), TwoTowerBlock.inputShapes(config), dir.resolve(twoTowerName(m) + ".params"));
        out.add(model);
      }
    } catch (IOException | RuntimeException e) {
      out.forEach(TwoTowerModel::close);
      throw e;
    }
    return out;
  }

  /**
   * Returns the name of two-tower ensemble member {@code member} (0-based): {@code two_tower} for the first, then
   * {@code two_tower_1}, {@code two_tower_2}, ...; the saved files and the training checkpoint folders use it.
   */
  public static String twoTowerName(int member) {
    return member == 0 ? TWO_TOWER : TWO_TOWER + "_" + member;
  }

  /** Returns the DLRM saved in {@code dir}; the caller closes it. */
  public static DlrmModel loadDlrm(Path dir) throws IOException {
    DlrmConfig config = JSON.readValue(dir.resolve(DLRM + ".json").toFile(), DlrmConfig.class);
    DlrmModel model = new DlrmModel(config, Device.cpu());
    load(model.djlModel(), DlrmBlock.inputShapes(config), dir.resolve(DLRM + ".params"));
    return model;
  }

  private static void save(String name, Object config, Model model, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path params = dir.resolve(name + ".params");
    Path paramsTmp = dir.resolve(name + ".params.tmp");
    Checkpoints.writeParameters(model.getBlock(), paramsTmp);
    Files.move(paramsTmp, params, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Path json = dir.resolve(name + ".json");
    Path jsonTmp = dir.resolve(name + ".json.tmp");
    JSON.writerWithDefaultPrettyPrinter().writeValue(jsonTmp.toFile(), config);
    Files.move(jsonTmp, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Initialises the block to the saved shapes and copies the saved values in; closes the model on failure. */
  private static void load(Model model, Shape[] inputShapes, Path params) throws IOException {
    try {
      model.getBlock().initialize(model.getNDManager(), DataType.FLOAT32, inputShapes);
      Checkpoints.readParameters(model.getBlock(), params);
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }
}

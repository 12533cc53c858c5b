package dev.recsys.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recsys.features.config.ServingConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExperimentsTest {

  private static ServingConfig.Experiment experiment(String name) {
    return new ServingConfig.Experiment(name, List.of(
        new ServingConfig.Variant("control", 3, ServingConfig.Ranker.DLRM),
        new ServingConfig.Variant("treatment", 1, ServingConfig.Ranker.RETRIEVAL_ONLY)));
  }

  @Test
  void assignmentIsDeterministicAndFollowsTheWeights() {
    Experiments a = new Experiments(experiment("exp1"));
    Experiments again = new Experiments(experiment("exp1"));
    Map<String, Integer> counts = new HashMap<>();
    for (int u = 0; u < 20_000; u++) {
      String user = "user-" + u;
      String v = a.assign(user).name();
      assertEquals(v, again.assign(user).name());
      counts.merge(v, 1, Integer::sum);
    }
    double share = counts.get("treatment") / 20_000.0;
    assertTrue(Math.abs(share - 0.25) < 0.02, "treatment share " + share);
  }

  @Test
  void anotherExperimentNameReshufflesUsers() {
    Experiments a = new Experiments(experiment("exp1"));
    Experiments b = new Experiments(experiment("exp2"));
    int moved = 0;
    for (int u = 0; u < 1000; u++) {
      if (!a.assign("user-" + u).name().equals(b.assign("user-" + u).name())) {
        moved++;
      }
    }
    assertTrue(moved > 200, moved + " of 1000 users changed variant");
  }
}

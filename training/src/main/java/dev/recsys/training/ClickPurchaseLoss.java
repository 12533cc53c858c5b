package dev.recsys.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Binary cross-entropy on logits for the DLRM heads. Predictions: logits [B, heads]; labels: click [B] and, when
 * there are two heads, purchase [B]. The loss is the click BCE plus the purchase BCE.
 */
final class ClickPurchaseLoss extends Loss {

  ClickPurchaseLoss() {
    super("click_purchase_bce");
  }

  /** Returns the sum over heads of the mean binary cross-entropy of that head. */
  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logits = predictions.singletonOrThrow();
    NDArray loss = bceWithLogits(logits.get(":, 0"), labels.get(0));
    for (int head = 1; head < labels.size(); head++) {
      loss = loss.add(bceWithLogits(logits.get(":, " + head), labels.get(head)));
    }
    return loss;
  }

  /**
   * Returns mean(max(x, 0) - x y + log(1 + exp(-|x|))), which equals -y log σ(x) - (1 - y) log(1 - σ(x)) without
   * overflowing for large |x|.
   */
  static NDArray bceWithLogits(NDArray logits, NDArray labels) {
    NDArray one = GraphScalars.of(logits, 1f);
    return logits.maximum(GraphScalars.of(logits, 0f))
        .sub(logits.mul(labels))
        .add(logits.abs().neg().exp().add(one).log())
        .mean();
  }
}

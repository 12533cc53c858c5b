package dev.recsys.training;

import ai.djl.ndarray.NDArray;

/**
 * Scalars for arithmetic that autograd records. DJL's number overloads ({@code x.div(2f)}, {@code x.maximum(0f)})
 * wrap the number in an array over a direct buffer that PyTorch reads without copying, and close that array as soon
 * as the forward op returns; the backward of div, mul and maximum reads the scalar again. Once the buffer is
 * collected and its memory reused, the backward multiplies by whatever lies there: gradients of 1e30 or of 0 on a
 * few batches of a run, or NaN. An array from here belongs to {@code like}'s manager (the batch's, in training), so
 * it lives until the step that uses it is over.
 */
final class GraphScalars {

  private GraphScalars() {}

  /** Returns {@code value} as a float32 scalar array owned by the manager of {@code like}. */
  static NDArray of(NDArray like, float value) {
    return like.getManager().create(value);
  }
}

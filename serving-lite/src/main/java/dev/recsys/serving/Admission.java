package dev.recsys.serving;

import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the model work in flight: at most {@code workers} calls run at once and at most {@code queue} more wait
 * for a turn; any call beyond that fails at once with {@link Overloaded} (the server answers 503) instead of
 * queueing without bound.
 */
public final class Admission {

  private final Semaphore running;
  private final int limit;
  private final AtomicInteger admitted = new AtomicInteger();

  /** Thrown when every worker is busy and the queue is full. */
  public static final class Overloaded extends RuntimeException {
    Overloaded(int limit) {
      super("server is at capacity (" + limit + " requests running or queued); retry shortly");
    }
  }

  public Admission(int workers, int queue) {
    if (workers < 1 || queue < 0) {
      throw new IllegalArgumentException("need workers >= 1 and queue >= 0, got " + workers + " and " + queue);
    }
    this.running = new Semaphore(workers, true);
    this.limit = workers + queue;
  }

  /** Returns the result of {@code call} run on a worker permit, or throws {@link Overloaded} when full. */
  public <T> T run(Callable<T> call) throws Exception {
    if (admitted.incrementAndGet() > limit) {
      admitted.decrementAndGet();
      throw new Overloaded(limit);
    }
    try {
      running.acquire();
      try {
        return call.call();
      } finally {
        running.release();
      }
    } finally {
      admitted.decrementAndGet();
    }
  }

  /** Returns how many calls are running or waiting. */
  public int inFlight() {
    return admitted.get();
  }

  /** Returns how many calls may run or wait at once. */
  public int limit() {
    return limit;
  }
}

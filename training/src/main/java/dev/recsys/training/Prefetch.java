package dev.recsys.training;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a source of batches on a background thread, up to {@code depth} batches ahead of the trainer, so the
 * source's work (for a Spark table: a job per partition and the conversion of rows to arrays) overlaps the
 * training steps instead of pausing them. The order is the source's. A source's exception is rethrown by
 * {@code hasNext}; {@code close} stops the thread when the trainer leaves an epoch early.
 */
final class Prefetch<B> implements Iterator<B>, AutoCloseable {

  private static final Object END = new Object();

  /** A source failure, carried to the trainer's thread. */
  private record Failure(Throwable cause) {}

  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private Object next;
  private volatile boolean closed;

  Prefetch(String name, Iterator<B> source, int depth) {
    queue = new ArrayBlockingQueue<>(depth);
    thread = new Thread(() -> {
      try {
        while (source.hasNext()) {
          queue.put(source.next());
        }
        queue.put(END);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // closed by the trainer: nobody reads on
      } catch (RuntimeException | Error e) {
        try {
          if (!closed) { // close() sets closed before interrupting, so a close after this check interrupts put
            queue.put(new Failure(e));
          }
        } catch (InterruptedException stopped) {
          Thread.currentThread().interrupt();
        }
      }
    }, name + "-prefetch");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the next batch", e);
      }
    }
    if (next instanceof Failure f) {
      if (f.cause() instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) f.cause();
    }
    return next != END;
  }

  @Override
  @SuppressWarnings("unchecked")
  public B next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    B batch = (B) next;
    next = null;
    return batch;
  }

  /** Stops the reading thread and waits for it. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

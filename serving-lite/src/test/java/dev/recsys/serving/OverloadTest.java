package dev.recsys.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests beyond the worker pool and its queue get 503 at once. */
class OverloadTest {

  @TempDir
  Path dir;

  @Test
  void admissionRejectsBeyondWorkersPlusQueue() throws Exception {
    Admission admission = new Admission(1, 1);
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<String> holder = pool.submit(() -> admission.run(() -> {
        running.countDown();
        release.await();
        return "first";
      }));
      running.await();
      Future<String> queued = pool.submit(() -> admission.run(() -> "queued"));
      while (admission.inFlight() < 2) {
        Thread.sleep(1);
      }
      assertThrows(Admission.Overloaded.class, () -> admission.run(() -> "third"));
      release.countDown();
      assertEquals("first", holder.get());
      assertEquals("queued", queued.get());
      assertEquals("again", admission.run(() -> "again"));
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void saturatedServerAnswers503Fast() throws Exception {
    TestBundles.publish(dir.resolve("bundles"), 1);
    try (TestServer server = new TestServer(dir, "serving: {workers: 1, queue: 0}", true)) {
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Thread busy = new Thread(() -> {
        try {
          server.services.admission().run(() -> {
            running.countDown();
            release.await();
            return null;
          });
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      busy.start();
      running.await();
      long start = System.nanoTime();
      TestServer.Response r = server.post("/recommend", "{\"user_id\":\"u000001\"}");
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertEquals(503, r.status(), r.text());
      assertTrue(r.body().get("error").asText().contains("at capacity"), r.text());
      assertTrue(ms < 2_000, "503 took " + ms + " ms");
      assertEquals(200, server.get("/health").status(), "cheap routes stay up while saturated");
      assertTrue(server.get("/metrics").text().contains("recsys_rejected_total 1"));
      release.countDown();
      busy.join();
      assertEquals(200, server.post("/recommend", "{\"user_id\":\"u000001\"}").status());
    }
  }
}

package dev.recsys.serving;

import dev.recsys.features.schema.Event;
import dev.recsys.features.schema.LandingJson;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Appends feedback events durably to the landing zone, one JSON line per event in the landing wire format
 * ({@link LandingJson#event}), into {@code <landing>/batch=feedback-<yyyyMMddHHmm>/part-<server id>.jsonl} where
 * the time is the start of the server-clock slice of {@code sliceMinutes}. {@link #append} returns only after the
 * line is forced to disk (and, for a new file, its directory entry too), so an acknowledged event survives a
 * crash. Appends are serialised; a killed process leaves at most a torn last line, which was never acknowledged.
 */
public final class FeedbackLog implements AutoCloseable {

  private static final DateTimeFormatter SLICE = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

  private final Path landing;
  private final String serverId;
  private final long sliceMs;
  private final Clock clock;
  private Path openFile;
  private FileChannel channel;

  /** Returns a log writing under {@code landing} (the events feed folder). */
  public FeedbackLog(Path landing, String serverId, int sliceMinutes, Clock clock) {
    this.landing = landing;
    this.serverId = serverId;
    this.sliceMs = sliceMinutes * 60_000L;
    this.clock = clock;
  }

  /** Writes the event, forces it to disk and returns the file it went to. */
  public synchronized Path append(Event e) throws IOException {
    long now = clock.millis();
    Path file = landing.resolve("batch=feedback-" + SLICE.format(Instant.ofEpochMilli(now - now % sliceMs)))
        .resolve("part-" + serverId + ".jsonl");
    if (!file.equals(openFile)) {
      roll(file);
    }
    ByteBuffer line = ByteBuffer.wrap((LandingJson.event(e) + "\n").getBytes(StandardCharsets.UTF_8));
    while (line.hasRemaining()) {
      channel.write(line);
    }
    channel.force(false);
    return file;
  }

  private void roll(Path file) throws IOException {
    close();
    Path dir = file.getParent();
    boolean newDir = Files.notExists(dir);
    Files.createDirectories(dir);
    boolean newFile = Files.notExists(file);
    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    openFile = file;
    if (newFile) {
      syncDirectory(dir);
    }
    if (newDir) {
      syncDirectory(dir.getParent());
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Closes the open file. */
  @Override
  public synchronized void close() throws IOException {
    if (channel != null) {
      channel.close();
      channel = null;
      openFile = null;
    }
  }
}

package dev.recsys.pipelines.generate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.recsys.features.schema.Event;
import dev.recsys.features.schema.EventType;
import dev.recsys.features.schema.LandingJson;
import dev.recsys.features.schema.Schemas;
import dev.recsys.features.schema.UserProfile;
import java.io.UncheckedIOException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Simulates one user's landing-file lines: sessions at realistic hours and weekdays, items chosen by latent taste
 * among popular and new ones, a view/click/cart/purchase funnel whose rates follow that taste, occasional
 * favourites and ratings, and a share of dirty rows of every {@link DirtyKind}. Users with an index at or above
 * {@code generator.users} are bots. Each user has its own random stream, so lines do not depend on partitioning.
 */
public final class EventSimulator {

  /** One landing line and, for dirty rows, the kind of dirt in it (null for a clean event). */
  public record Line(String json, DirtyKind dirt) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double DAY_MS = 86_400_000d;
  /** Share of traffic per hour of day (UTC): quiet nights, a lunch bump and an evening peak. */
  private static final double[] HOUR_WEIGHT = {
      0.15, 0.1, 0.08, 0.07, 0.08, 0.15, 0.3, 0.5, 0.65, 0.7, 0.75, 0.85,
      0.95, 0.9, 0.8, 0.75, 0.75, 0.85, 1.0, 1.0, 0.95, 0.8, 0.5, 0.3};
  private static final String[] PLACEMENTS = {"home", "home", "home", "search", "search", "pdp", "pdp", "category",
      "category", "cart"};
  private static final String[] DEVICES = {"mobile", "desktop", "tablet"};
  private static final String[] COUNTRIES = {"US", "US", "US", "DE", "GB", "FR", "IN", "BR", "JP", "CA"};
  private static final String[] UNKNOWN_TYPES = {"hover", "share", "scroll", "Click", "impression_v0"};
  /** Mean of a Pareto(1.6) activity weight capped at 40, so budgets add up to {@code generator.events}. */
  private static final double MEAN_ACTIVITY = 2.484;

  private final SyntheticWorld world;
  private final int botEventsPerDay;
  private final double meanEventsPerUser;

  public EventSimulator(SyntheticWorld world, int botEventsPerDay) {
    this.world = world;
    this.botEventsPerDay = botEventsPerDay;
    this.meanEventsPerUser = (double) world.cfg.events() / world.cfg.users();
  }

  /** Total simulated users, bots included. */
  public long userCount() {
    return (long) world.cfg.users() + world.cfg.bots();
  }

  public UserProfile profile(long user) {
    SplittableRandom rng = userRandom(user);
    Taste t = taste(user, rng);
    int age = 18 + (int) Math.min(60, Math.abs(Vectors.normal(rng) * 14 + 16));
    double g = rng.nextDouble();
    return new UserProfile(SyntheticWorld.userId(user), Instant.ofEpochMilli(t.joinedMs),
        rng.nextDouble() < 0.1 ? null : age,
        g < 0.45 ? "f" : g < 0.9 ? "m" : null,
        t.activity > 8 ? "heavy" : t.activity > 2 ? "regular" : "light",
        COUNTRIES[rng.nextInt(COUNTRIES.length)]);
  }

  /** Emits every line of one user: its events, interleaved with the dirty rows derived from them. */
  public void simulate(long user, Consumer<Line> out) {
    if (user >= world.cfg.users()) {
      simulateBot(user, out);
      return;
    }
    SplittableRandom rng = userRandom(user);
    Taste taste = taste(user, rng);
    SplittableRandom dirtRng = new SplittableRandom(Seeds.mix(world.cfg.seed(), ~user));
    Consumer<Event> emit = e -> {
      String line = LandingJson.event(e);
      out.accept(new Line(line, null));
      if (dirtRng.nextDouble() < world.cfg.dirtyShare()) {
        DirtyKind kind = DirtyKind.values()[dirtRng.nextInt(DirtyKind.BOT.ordinal())];
        out.accept(new Line(dirty(kind, e, line, dirtRng), kind));
      }
    };
    long budget = (long) Math.floor(meanEventsPerUser * taste.activity / MEAN_ACTIVITY);
    if (rng.nextDouble() < meanEventsPerUser * taste.activity / MEAN_ACTIVITY - budget) {
      budget++;
    }
    int session = 0;
    while (budget > 0) {
      budget -= simulateSession(user, session++, taste, rng, budget, emit);
    }
  }

  private record Taste(float[] vector, double activity, long joinedMs, String device) {}

  private SplittableRandom userRandom(long user) {
    return new SplittableRandom(Seeds.mix(world.cfg.seed(), user + 1));
  }

  /** A user's hidden taste: near one or two category centres; activity is heavy-tailed; some join mid-window. */
  private Taste taste(long user, SplittableRandom rng) {
    int c1 = rng.nextInt(world.categories.length);
    int c2 = rng.nextInt(world.categories.length);
    float w2 = rng.nextDouble() < 0.5 ? 0.6f : 0f;
    float[] noise = Vectors.gaussian(rng, SyntheticWorld.DIM);
    float[] v = new float[SyntheticWorld.DIM];
    for (int d = 0; d < v.length; d++) {
      v[d] = world.categoryCentres[c1][d] + w2 * world.categoryCentres[c2][d]
          + 0.5f * noise[d] / (float) Math.sqrt(v.length);
    }
    double activity = Math.min(40, Math.pow(1 - rng.nextDouble(), -1 / 1.6));
    long startMs = world.start.toEpochMilli();
    long span = world.end.toEpochMilli() - startMs;
    long joined = rng.nextDouble() < 0.6
        ? startMs - (long) (rng.nextDouble() * 365 * DAY_MS)
        : startMs + (long) (rng.nextDouble() * span * 0.95);
    String device = DEVICES[rng.nextDouble() < 0.55 ? 0 : rng.nextDouble() < 0.8 ? 1 : 2];
    return new Taste(Vectors.unit(v), activity, joined, device);
  }

  /** Simulates one session and returns how many events it emitted (at most {@code budget}). */
  private long simulateSession(long user, int session, Taste taste, SplittableRandom rng, long budget,
      Consumer<Event> emit) {
    long from = Math.max(taste.joinedMs, world.start.toEpochMilli());
    long t = sampleTime(rng, from, world.end.toEpochMilli() - 3_600_000L);
    String sessionId = "s" + user + "-" + session;
    String device = rng.nextDouble() < 0.85 ? taste.device : DEVICES[rng.nextInt(DEVICES.length)];
    int views = 1;
    while (rng.nextDouble() < 0.8 && views < 30) {
      views++;
    }
    long emitted = 0;
    for (int v = 0; v < views && emitted < budget; v++) {
      t += 5_000 + (long) (rng.nextDouble() * 90_000);
      int item = chooseItem(rng, taste.vector, t);
      if (item < 0) {
        continue;
      }
      String placement = PLACEMENTS[rng.nextInt(PLACEMENTS.length)];
      float affinity = Vectors.dot(taste.vector, world.itemVectors[item]);
      Funnel f = new Funnel(user, item, sessionId, device, placement, rng, emit);
      emitted += f.emit(EventType.VIEW, t, null, null);
      if (emitted >= budget || rng.nextDouble() >= 0.55 * sigmoid(4 * affinity - 1.0)) {
        continue;
      }
      t += 2_000 + (long) (rng.nextDouble() * 20_000);
      emitted += f.emit(EventType.CLICK, t, null, null);
      double price = world.items[item].price();
      if (emitted < budget && rng.nextDouble() < 0.08 + 0.1 * Math.max(0, affinity)) {
        emitted += f.emit(EventType.FAVORITE, t + 1_000, null, null);
      }
      if (emitted >= budget || rng.nextDouble() >= 0.35 * sigmoid(3 * affinity)) {
        continue;
      }
      t += 10_000 + (long) (rng.nextDouble() * 60_000);
      emitted += f.emit(EventType.ADD_TO_CART, t, null, price);
      if (emitted >= budget || rng.nextDouble() >= 0.5) {
        continue;
      }
      t += 30_000 + (long) (rng.nextDouble() * 300_000);
      emitted += f.emit(EventType.PURCHASE, t, null, price);
      if (emitted < budget && rng.nextDouble() < 0.3) {
        double rating = Math.max(1, Math.min(5, Math.round(3 + 2.5 * affinity + 0.7 * Vectors.normal(rng))));
        emitted += f.emit(EventType.RATING, t + (long) (rng.nextDouble() * 3 * DAY_MS), rating, null);
      }
    }
    return Math.max(emitted, 1);
  }

  /** Emits the events of one item impression; each call returns 1 or 0 (the later stage fell past the window). */
  private final class Funnel {
    private final long user;
    private final int item;
    private final String sessionId;
    private final String device;
    private final String placement;
    private final SplittableRandom rng;
    private final Consumer<Event> emit;

    Funnel(long user, int item, String sessionId, String device, String placement, SplittableRandom rng,
        Consumer<Event> emit) {
      this.user = user;
      this.item = item;
      this.sessionId = sessionId;
      this.device = device;
      this.placement = placement;
      this.rng = rng;
      this.emit = emit;
    }

    int emit(EventType type, long tsMs, Double rating, Double value) {
      if (tsMs >= world.end.toEpochMilli()) {
        return 0;
      }
      emit.accept(new Event(new UUID(rng.nextLong(), rng.nextLong()).toString(), SyntheticWorld.userId(user),
          SyntheticWorld.itemId(item), type, rating, value, Instant.ofEpochMilli(tsMs), sessionId, device,
          placement));
      return 1;
    }
  }

  /** Softmax choice by taste among ten popular candidates and two new arrivals. */
  private int chooseItem(SplittableRandom rng, float[] user, long atMs) {
    int best = -1;
    double total = 0;
    for (int k = 0; k < 12; k++) {
      int cand = k < 10 ? world.popularItem(rng, atMs) : world.newItem(rng, atMs);
      if (cand < 0) {
        continue;
      }
      double w = Math.exp(5 * Vectors.dot(user, world.itemVectors[cand]));
      total += w;
      if (rng.nextDouble() * total < w) {
        best = cand;
      }
    }
    return best;
  }

  /** A time in [from, to) drawn with the daily and weekly rhythm (rejection sampling). */
  private static long sampleTime(SplittableRandom rng, long from, long to) {
    if (to <= from) {
      return from;
    }
    while (true) {
      long t = from + (long) (rng.nextDouble() * (to - from));
      ZonedDateTime z = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC);
      DayOfWeek dow = z.getDayOfWeek();
      double dayWeight = dow == DayOfWeek.SATURDAY || dow == DayOfWeek.SUNDAY ? 1.0 : 0.75;
      if (rng.nextDouble() < HOUR_WEIGHT[z.getHour()] * dayWeight) {
        return t;
      }
    }
  }

  /** A bot: one day with 30% more events than the bot limit, scraping popular items from one session per 100. */
  private void simulateBot(long user, Consumer<Line> out) {
    SplittableRandom rng = userRandom(user);
    long day = world.start.toEpochMilli() + (long) (rng.nextInt(world.cfg.days()) * DAY_MS);
    int n = (int) (botEventsPerDay * 1.3);
    for (int k = 0; k < n; k++) {
      long t = day + (long) (k * (DAY_MS - 1) / n);
      int item = world.popularItem(rng, t);
      if (item < 0) {
        item = rng.nextInt(world.items.length);
      }
      Event e = new Event(new UUID(rng.nextLong(), rng.nextLong()).toString(), SyntheticWorld.userId(user),
          SyntheticWorld.itemId(item), EventType.VIEW, null, null, Instant.ofEpochMilli(t), "s" + user + "-" + k / 100,
          "desktop", "search");
      out.accept(new Line(LandingJson.event(e), DirtyKind.BOT));
    }
  }

  /** Derives a dirty landing line of the given kind from a clean event. */
  private String dirty(DirtyKind kind, Event e, String cleanLine, SplittableRandom rng) {
    ObjectNode row;
    try {
      row = (ObjectNode) JSON.readTree(cleanLine);
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new UncheckedIOException(ex);
    }
    String freshId = new UUID(rng.nextLong(), rng.nextLong()).toString();
    row.put(Schemas.EVENT_ID, freshId);
    switch (kind) {
      case NULL_USER_ID -> row.putNull(Schemas.USER_ID);
      case NULL_ITEM_ID -> row.putNull(Schemas.ITEM_ID);
      case NULL_TS -> row.putNull(Schemas.TS);
      case NULL_EVENT_TYPE -> row.putNull(Schemas.EVENT_TYPE);
      case DUPLICATE_EVENT_ID -> {
        if (rng.nextBoolean()) {
          return cleanLine; // redelivered as is
        }
        row.put(Schemas.EVENT_ID, e.eventId());
        row.put(Schemas.TS, LandingJson.format(e.ts().plusSeconds(1 + rng.nextInt(600))));
      }
      case DUPLICATE_EVENT -> { } // same content, fresh id
      case FUTURE_TS -> row.put(Schemas.TS, LandingJson.format(world.end.plusSeconds(
          (long) ((1 + rng.nextInt(60)) * 86_400L))));
      case EXPIRED_TS -> row.put(Schemas.TS, LandingJson.format(world.end.minusSeconds(
          (long) ((1200 + rng.nextInt(2000)) * 86_400L))));
      case UNKNOWN_EVENT_TYPE -> row.put(Schemas.EVENT_TYPE, UNKNOWN_TYPES[rng.nextInt(UNKNOWN_TYPES.length)]);
      case MALFORMED -> {
        String s = row.toString();
        return s.substring(0, 1 + rng.nextInt(s.length() - 2));
      }
      case BAD_TYPE -> {
        switch (rng.nextInt(3)) {
          case 0 -> row.put(Schemas.TS, "yesterday evening");
          case 1 -> row.put(Schemas.RATING, "five");
          default -> row.put(Schemas.VALUE, "12,50 EUR");
        }
      }
      case BOT -> throw new IllegalArgumentException("bot rows come from bot users, not from single events");
    }
    return row.toString();
  }

  private static double sigmoid(double x) {
    return 1 / (1 + Math.exp(-x));
  }
}

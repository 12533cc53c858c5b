package dev.recsys.training.eval;

/**
 * The model currently being served, as the quality gate sees it.
 *
 * @param model its name in the evaluation report: it is evaluated again on this run's test users, so that the
 *     candidate is compared on the same users, pairwise
 * @param version the published bundle's version (e.g. its publish timestamp), named in the gate's reason
 */
public record PublishedModel(String model, String version) {}

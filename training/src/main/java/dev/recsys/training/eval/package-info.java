/**
 * Offline evaluation in plain Java: the evaluation job collects per-user ranked lists and held-out items (and per
 * ranker scores and labels), this package turns them into metrics, intervals, comparisons, a report and a
 * publish decision.
 *
 * <ol>
 *   <li>{@link dev.recsys.training.eval.UserMetrics#evaluate} computes per-user Recall, NDCG, MAP and hit rate
 *       at each K, MRR and novelty (from {@link dev.recsys.training.eval.UserRanking}s and an
 *       {@link dev.recsys.training.eval.ItemCatalog}), and keeps top lists for coverage;
 *       {@link dev.recsys.training.eval.RankedHits} holds the per-user formulas,
 *       {@link dev.recsys.training.eval.RankerMetrics} AUC and log-loss.
 *   <li>{@link dev.recsys.training.eval.ReportBuilder} bootstraps means and paired differences
 *       ({@link dev.recsys.training.eval.Bootstrap}), repeats everything on user slices and builds an
 *       {@link dev.recsys.training.eval.EvaluationReport}, written as JSON or rendered by
 *       {@link dev.recsys.training.eval.HtmlReport}.
 *   <li>{@link dev.recsys.training.eval.QualityGate} decides from the report whether a candidate is publishable.
 * </ol>
 */
package dev.recsys.training.eval;

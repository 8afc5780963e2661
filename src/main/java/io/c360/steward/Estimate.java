package io.c360.steward;

/**
 * A proportion estimated from an audit: the point estimate and its 95 % Wilson score interval at the
 * effective sample size (see {@link AuditEstimator}).
 */
public record Estimate(double value, double low, double high, double effectiveSampleSize) {}

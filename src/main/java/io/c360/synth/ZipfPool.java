package io.c360.synth;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Values sampled with Zipf-Mandelbrot weights by rank, {@code 1 / (rank + offset)^exponent}: the
 * first entries are very common, the tail is rare, as with real names.
 */
final class ZipfPool {
    private final String[] values;
    private final double[] cumulative;
    private final Map<String, Double> shares = new HashMap<>();

    ZipfPool(List<String> ranked, double exponent, double offset) {
        values = ranked.toArray(String[]::new);
        cumulative = new double[values.length];
        double[] weights = new double[values.length];
        double total = 0;
        for (int r = 0; r < values.length; r++) {
            weights[r] = 1 / StrictMath.pow(r + 1 + offset, exponent);
            total += weights[r];
        }
        double running = 0;
        for (int r = 0; r < values.length; r++) {
            running += weights[r] / total;
            cumulative[r] = running;
            shares.merge(values[r], weights[r] / total, Double::sum);
        }
    }

    String pick(Rng rng) {
        int i = Arrays.binarySearch(cumulative, rng.unit());
        int index = i >= 0 ? i : -i - 1;
        return values[Math.min(index, values.length - 1)];
    }

    /** The share of draws that yield {@code value} (0 when it is not in the pool). */
    double share(String value) {
        return shares.getOrDefault(value, 0.0);
    }
}

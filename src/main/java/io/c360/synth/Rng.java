package io.c360.synth;

import java.util.SplittableRandom;

/**
 * The generator's only source of randomness. Every stream is keyed by (seed, domain, index) so a
 * person's or a block's draws never depend on which thread or part produced them.
 */
final class Rng {
    /** Key domains: one independent stream family per purpose. */
    static final long PERSON = 1;

    static final long BLOCK = 2;
    static final long MALFORMED = 3;

    private final SplittableRandom random;

    private Rng(long state) {
        this.random = new SplittableRandom(state);
    }

    static Rng of(long seed, long domain, long index) {
        return new Rng(mix(mix(seed ^ mix(domain)) + index));
    }

    /** The splitmix64 finalizer: a bijection on 64-bit values with good avalanche. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * A keyed permutation of [0, size): {@code x} maps to a scattered value and no two inputs share
     * one. A bijection on the enclosing power of two, repeated until the value falls in range (cycle
     * walking), keeps it a bijection on [0, size).
     */
    static long permute(long x, long size, long key) {
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(size - 1));
        long mask = bits == 64 ? -1L : (1L << bits) - 1;
        long k = mix(key);
        long v = Math.floorMod(x, size);
        do {
            v = (v ^ k) & mask;
            v = (v * 0x9E3779B97F4A7C15L) & mask;
            v ^= v >>> (bits / 2);
            v = (v * 0xC2B2AE3D27D4EB4FL) & mask;
            v ^= v >>> (bits / 3 + 1);
        } while (v >= size);
        return v;
    }

    boolean chance(double p) {
        return p > 0 && random.nextDouble() < p;
    }

    double unit() {
        return random.nextDouble();
    }

    /** A whole number in [from, to], both included. */
    int between(int from, int to) {
        return from + random.nextInt(to - from + 1);
    }

    long betweenLong(long from, long to) {
        return from + random.nextLong(to - from + 1);
    }

    int below(int bound) {
        return random.nextInt(bound);
    }

    <T> T pick(T[] values) {
        return values[random.nextInt(values.length)];
    }

    /** Picks an index by relative weights. */
    int weighted(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Poisson by inversion; the means used here are small. */
    int poisson(double mean) {
        if (mean <= 0) {
            return 0;
        }
        double l = StrictMath.exp(-mean);
        double p = random.nextDouble();
        int k = 0;
        double term = l;
        double cumulative = l;
        while (p > cumulative && k < 1000) {
            k++;
            term *= mean / k;
            cumulative += term;
        }
        return k;
    }

    /** Geometric count with the given mean: a long tail, as purchase and visit counts have. */
    int geometric(double mean) {
        if (mean <= 0) {
            return 0;
        }
        double q = mean / (1 + mean);
        return (int) Math.floor(StrictMath.log(1 - random.nextDouble()) / StrictMath.log(q));
    }
}

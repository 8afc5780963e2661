package io.c360.silver.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Disjoint sets of record keys where some pairs must never share a set: the local state of the
 * constrained Kruskal in {@link ConstrainedClusters}, one instance per component inside one task.
 * Each set root keeps the keys vetoed against any of its members, so a union is checked by
 * looking up the roots of the smaller veto list (union by size keeps both cheap).
 */
final class VetoedUnionFind {
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> keys = new ArrayList<>();
    private final List<Integer> parent = new ArrayList<>();
    private final List<Integer> size = new ArrayList<>();
    private final List<Set<Integer>> vetoed = new ArrayList<>();

    /** Adds a record as a set of its own (no-op if known). */
    void add(String key) {
        id(key);
    }

    /** Records that {@code a} and {@code b} must never end in the same set (call before the unions). */
    void veto(String a, String b) {
        int x = id(a);
        int y = id(b);
        vetoed.get(find(x)).add(y);
        vetoed.get(find(y)).add(x);
    }

    /** Unites the sets of {@code a} and {@code b} unless a veto spans them; true if they now share a set. */
    boolean unionUnlessVetoed(String a, String b) {
        int ra = find(id(a));
        int rb = find(id(b));
        if (ra == rb) {
            return true;
        }
        int small = size.get(ra) <= size.get(rb) ? ra : rb;
        int large = small == ra ? rb : ra;
        Set<Integer> smallVetoes = vetoed.get(small);
        Set<Integer> largeVetoes = vetoed.get(large);
        Set<Integer> probe = smallVetoes.size() <= largeVetoes.size() ? smallVetoes : largeVetoes;
        int other = probe == smallVetoes ? large : small;
        for (int v : probe) {
            if (find(v) == other) {
                return false;
            }
        }
        parent.set(small, large);
        size.set(large, size.get(large) + size.get(small));
        largeVetoes.addAll(smallVetoes);
        vetoed.set(small, Set.of());
        return true;
    }

    /** Every known key with the smallest key of its set. */
    Map<String, String> clusters() {
        Map<Integer, String> smallestByRoot = new HashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            smallestByRoot.merge(find(i), keys.get(i), (x, y) -> x.compareTo(y) <= 0 ? x : y);
        }
        Map<String, String> cluster = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            cluster.put(keys.get(i), smallestByRoot.get(find(i)));
        }
        return cluster;
    }

    private int id(String key) {
        return index.computeIfAbsent(key, k -> {
            keys.add(k);
            parent.add(keys.size() - 1);
            size.add(1);
            vetoed.add(new HashSet<>());
            return keys.size() - 1;
        });
    }

    private int find(int i) {
        int root = i;
        while (parent.get(root) != root) {
            root = parent.get(root);
        }
        while (parent.get(i) != root) {
            int next = parent.get(i);
            parent.set(i, root);
            i = next;
        }
        return root;
    }
}

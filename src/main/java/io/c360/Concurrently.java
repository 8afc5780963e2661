package io.c360;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Independent pieces of driver work (one per table or per source) run side by side. Most of a small
 * table's cost is on the driver (planning, code generation, Delta's log and commit) while executors
 * idle, and the other way round during its tasks, so a few at once overlap the two. Spark runs jobs
 * from several threads of one session; the threads inherit the caller's Spark local properties.
 */
public final class Concurrently {
    /** Pieces in flight at once: enough to overlap driver and executor work, few enough to keep memory flat. */
    public static final int PIECES = 3;

    private Concurrently() {}

    /**
     * {@code work} applied to every item, results in the items' order. After a failure no further piece
     * starts (as if the process had died there; the pieces already running finish), and the first
     * failure in item order is rethrown once they have ended, so no piece is left running behind the caller.
     */
    public static <T, R> List<R> map(List<T> items, Function<T, R> work) {
        if (items.size() <= 1) {
            return items.stream().map(work).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(PIECES, items.size()));
        try {
            AtomicBoolean failed = new AtomicBoolean();
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> {
                    if (failed.get()) {
                        throw new NotStarted();
                    }
                    try {
                        return work.apply(item);
                    } catch (RuntimeException | Error e) {
                        failed.set(true);
                        throw e;
                    }
                }));
            }
            List<R> results = new ArrayList<>();
            Throwable failure = null;
            for (Future<R> f : futures) {
                try {
                    results.add(f.get());
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof NotStarted) {
                        continue;
                    }
                    if (failure == null) {
                        failure = e.getCause();
                    } else {
                        failure.addSuppressed(e.getCause());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new C360Exception("interrupted while waiting for concurrent work", e);
                }
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** A piece skipped because an earlier one failed; never reaches the caller. */
    private static final class NotStarted extends RuntimeException {
        NotStarted() {
            super(null, null, false, false);
        }
    }
}

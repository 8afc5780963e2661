package io.c360;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class ConcurrentlyTest {
    @Test
    void resultsComeInTheItemsOrder() {
        List<Integer> items = IntStream.range(0, 10).boxed().toList();
        assertEquals(items.stream().map(i -> i * i).toList(), Concurrently.map(items, i -> {
            sleep(10 - i);
            return i * i;
        }));
    }

    /**
     * Item 1 fails at once while items 0 and 2 are still running: nothing after them starts, and the
     * failure of item 1 reaches the caller with item 2's attached, once items 0 and 2 have ended.
     */
    @Test
    void aFailureStopsThePiecesNotYetStarted() {
        Set<Integer> started = new ConcurrentSkipListSet<>();
        CountDownLatch othersRunning = new CountDownLatch(2);
        List<Integer> items = IntStream.range(0, 10).boxed().toList();
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> Concurrently.map(items, i -> {
                    started.add(i);
                    if (i == 1) {
                        await(othersRunning);
                        throw new IllegalStateException("one");
                    }
                    othersRunning.countDown();
                    sleep(300); // long enough for item 1's thread to reach every item left
                    if (i == 2) {
                        throw new IllegalStateException("two");
                    }
                    return i;
                }));
        assertEquals("one", thrown.getMessage());
        assertEquals(
                List.of("two"),
                List.of(thrown.getSuppressed()).stream()
                        .map(Throwable::getMessage)
                        .toList());
        assertEquals(Set.of(0, 1, 2), started);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

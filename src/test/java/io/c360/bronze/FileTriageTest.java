package io.c360.bronze;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Triage decides from file metadata and the probe alone: no Spark, no file system. */
@Tag("unit")
class FileTriageTest {
    /** Contents by path stand in for the files; a path in {@code notReady} is still being written. */
    private static FileTriage.Probe probe(Map<String, String> contents, List<String> notReady) {
        return new FileTriage.Probe() {
            @Override
            public Optional<String> notReady(LandedFile file) {
                return notReady.contains(file.path()) ? Optional.of("no completion marker") : Optional.empty();
            }

            @Override
            public String contentHash(LandedFile file) {
                return "sha-" + contents.get(file.path());
            }
        };
    }

    @Test
    void sortsLandedFilesIntoAlreadyIngestedWaitingLoggedAndToRead() {
        LandedFile known = new LandedFile("a.csv", 10, 1);
        LandedFile touched = new LandedFile("a.csv", 10, 2);
        LandedFile copyOfKnown = new LandedFile("copy.csv", 10, 3);
        LandedFile writing = new LandedFile("b.csv", 10, 4);
        LandedFile empty = new LandedFile("e.csv", 0, 5);
        LandedFile fresh = new LandedFile("c.csv", 12, 6);
        LandedFile freshTwice = new LandedFile("c-again.csv", 12, 7);
        List<IngestLog.Done> done = List.of(new IngestLog.Done("a.csv", 10, 1, "sha-A"));
        FileTriage triage = FileTriage.of(
                List.of(known, touched, copyOfKnown, writing, empty, fresh, freshTwice),
                done,
                probe(Map.of("a.csv", "A2", "copy.csv", "A", "c.csv", "C", "c-again.csv", "C"), List.of("b.csv")));

        assertEquals(1, triage.alreadyIngested(), "same path, size and time: done");
        assertEquals(List.of(touched, fresh), triage.toRead(), "a file rewritten since (another time) is read again");
        assertEquals(Map.of("a.csv", "sha-A2", "c.csv", "sha-C"), triage.contentHashes());
        assertEquals(
                List.of(
                        IngestLog.Status.DUPLICATE_FILE,
                        IngestLog.Status.WAITING,
                        IngestLog.Status.EMPTY,
                        IngestLog.Status.DUPLICATE_FILE),
                triage.logged().stream().map(FileTriage.Logged::status).toList(),
                "in landing order");
        assertEquals(
                "same content as a.csv; not read again", triage.logged().get(0).message());
        assertEquals(
                "same content as c.csv; not read again",
                triage.logged().get(3).message(),
                "a copy within one batch is read once");
        assertEquals(1, triage.waiting());
        assertEquals(5, triage.newFiles(), "every file but the done and the waiting one");
    }
}

package io.c360.bronze;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which of a source's landed files this run reads. A file an earlier run is done with (same path, size and
 * modification time) is already ingested; one not ready yet (settle time, completion marker) waits for a
 * later run; an empty file, or one with the content of a file already ingested, is logged and not read;
 * every other file is new and read. Decided from file metadata alone: the two checks that open a file
 * are the {@link Probe}'s.
 *
 * @param toRead the new files to read, in landing order
 * @param contentHashes the content hash of each file to read, by path
 * @param logged files logged without being read (waiting, empty, same content), in landing order
 * @param alreadyIngested files earlier runs are done with, neither read nor logged again
 */
record FileTriage(
        List<LandedFile> toRead, Map<String, String> contentHashes, List<Logged> logged, int alreadyIngested) {

    FileTriage {
        toRead = List.copyOf(toRead);
        contentHashes = Map.copyOf(contentHashes);
        logged = List.copyOf(logged);
    }

    /** A file logged without being read: why, and its content hash when it was computed. */
    record Logged(LandedFile file, IngestLog.Status status, Optional<String> contentHash, String message) {}

    /** What triage learns by opening a file. */
    interface Probe {
        /** Why the file cannot be read yet, if it cannot. */
        Optional<String> notReady(LandedFile file);

        String contentHash(LandedFile file);
    }

    /** Files left for a later run because they are not ready yet. */
    int waiting() {
        return (int) logged.stream()
                .filter(l -> l.status() == IngestLog.Status.WAITING)
                .count();
    }

    /** Files this run ingests or logs for good: every file but the already ingested and the waiting ones. */
    int newFiles() {
        return logged.size() - waiting() + toRead.size();
    }

    /** @param done the source's files earlier runs are done with */
    static FileTriage of(List<LandedFile> landed, List<IngestLog.Done> done, Probe probe) {
        Set<String> knownFiles = new HashSet<>();
        Map<String, String> knownContent = new HashMap<>();
        for (IngestLog.Done d : done) {
            knownFiles.add(d.path() + "|" + d.size() + "|" + d.modifiedAt());
            if (d.contentSha256() != null) {
                knownContent.putIfAbsent(d.contentSha256(), d.path());
            }
        }
        List<LandedFile> toRead = new ArrayList<>();
        Map<String, String> hashes = new HashMap<>();
        List<Logged> logged = new ArrayList<>();
        int alreadyIngested = 0;
        for (LandedFile f : landed) {
            if (knownFiles.contains(f.path() + "|" + f.size() + "|" + f.modifiedAt())) {
                alreadyIngested++;
                continue;
            }
            Optional<String> notReady = probe.notReady(f);
            if (notReady.isPresent()) {
                logged.add(new Logged(f, IngestLog.Status.WAITING, Optional.empty(), notReady.get()));
                continue;
            }
            if (f.size() == 0) {
                logged.add(new Logged(f, IngestLog.Status.EMPTY, Optional.empty(), "empty file"));
                continue;
            }
            String sha = probe.contentHash(f);
            String sameAs = knownContent.putIfAbsent(sha, f.path());
            if (sameAs != null) {
                logged.add(new Logged(
                        f,
                        IngestLog.Status.DUPLICATE_FILE,
                        Optional.of(sha),
                        "same content as " + sameAs + "; not read again"));
                continue;
            }
            hashes.put(f.path(), sha);
            toRead.add(f);
        }
        return new FileTriage(toRead, hashes, logged, alreadyIngested);
    }
}

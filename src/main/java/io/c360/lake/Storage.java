package io.c360.lake;

import io.c360.C360Exception;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Whole files at any location Hadoop reaches: a local path, {@code s3a://bucket/key}, {@code hdfs://...}.
 * For files the driver writes or rewrites itself (activation exports, their erasure), beside the Delta
 * tables {@link Lake} handles. A local file is written next to its target and moved into place, so a
 * reader never sees half of it; an object store publishes an object only when its upload completes.
 */
public final class Storage {
    private Storage() {}

    /** Writes one file's content, given as it is produced. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Writer out) throws IOException;
    }

    /** The location as stored and shown: a URI as it is, a local path made absolute. */
    public static String qualified(String location) {
        return isUri(location)
                ? location
                : java.nio.file.Path.of(location).toAbsolutePath().normalize().toString();
    }

    /** Whether a regular file exists at the location. */
    public static boolean isFile(Configuration hadoop, String location) {
        Path p = new Path(location);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            return fs.exists(p) && fs.getFileStatus(p).isFile();
        } catch (IOException e) {
            throw new C360Exception("cannot look up " + location + ": " + e.getMessage(), e);
        }
    }

    /** How many files or folders a location names, a glob pattern ({@code data/part-*.csv}) expanded. */
    public static int matches(Configuration hadoop, String location) {
        Path p = new Path(location);
        try {
            org.apache.hadoop.fs.FileStatus[] found = p.getFileSystem(hadoop).globStatus(p);
            return found == null ? 0 : found.length;
        } catch (IOException e) {
            throw new C360Exception("cannot look up " + location + ": " + e.getMessage(), e);
        }
    }

    /** The file's lines (UTF-8). */
    public static List<String> readLines(Configuration hadoop, String location) {
        Path p = new Path(location);
        try (InputStream in = p.getFileSystem(hadoop).open(p)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : text.lines().toList();
        } catch (IOException e) {
            throw new C360Exception("cannot read " + location + ": " + e.getMessage(), e);
        }
    }

    /** Writes the file (UTF-8), replacing it; parent folders are created. */
    public static void write(Configuration hadoop, String location, Content content) {
        Path p = new Path(location);
        try {
            FileSystem fs = p.getFileSystem(hadoop);
            if (fs instanceof LocalFileSystem local) {
                java.nio.file.Path target = local.pathToFile(p).toPath();
                Files.createDirectories(target.toAbsolutePath().getParent());
                java.nio.file.Path partial = target.resolveSibling(target.getFileName() + ".partial");
                try (Writer w = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                    content.writeTo(w);
                }
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } else {
                try (OutputStream out = fs.create(p, true);
                        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                    content.writeTo(w);
                }
            }
        } catch (IOException e) {
            throw new C360Exception("cannot write " + location + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the file. */
    public static void delete(Configuration hadoop, String location) {
        Path p = new Path(location);
        try {
            if (!p.getFileSystem(hadoop).delete(p, false)) {
                throw new C360Exception("cannot delete " + location + ": not found");
            }
        } catch (IOException e) {
            throw new C360Exception("cannot delete " + location + ": " + e.getMessage(), e);
        }
    }

    static boolean isUri(String location) {
        return location.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*") || location.startsWith("file:");
    }
}

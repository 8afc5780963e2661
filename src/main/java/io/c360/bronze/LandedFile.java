package io.c360.bronze;

import io.c360.C360Exception;
import io.c360.config.C360Config.Readiness;
import io.c360.config.ReadOptions;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * A file a source system dropped in the landing area, identified by path, size and modification
 * time. Compressed text extracts ({@code .gz}, {@code .bz2}, and a {@code .zip} of one file) are read
 * decompressed: a text source's glob matches them too, so {@code contacts_*.csv} also finds
 * {@code contacts_2.csv.gz}.
 */
public record LandedFile(String path, long size, long modifiedAt) {
    /** The compressed forms a text source's glob matches besides the files it names. */
    static final List<String> COMPRESSED_SUFFIXES = List.of(".gz", ".bz2", ".zip");

    /**
     * The files matching a glob (local or s3a://), in path order, and with {@code compressedToo} its
     * compressed forms; none is an empty list, not an error.
     */
    public static List<LandedFile> find(String glob, boolean compressedToo, Configuration hadoop) {
        try {
            Path pattern = new Path(glob);
            FileSystem fs = pattern.getFileSystem(hadoop);
            List<Path> patterns = new ArrayList<>(List.of(pattern));
            if (compressedToo && COMPRESSED_SUFFIXES.stream().noneMatch(glob::endsWith)) {
                COMPRESSED_SUFFIXES.forEach(suffix -> patterns.add(new Path(glob + suffix)));
            }
            TreeMap<String, LandedFile> files = new TreeMap<>();
            for (Path p : patterns) {
                FileStatus[] matches = fs.globStatus(p);
                for (FileStatus s : matches == null ? new FileStatus[0] : matches) {
                    if (s.isFile()) {
                        files.put(
                                s.getPath().toString(),
                                new LandedFile(s.getPath().toString(), s.getLen(), s.getModificationTime()));
                    }
                }
            }
            return List.copyOf(files.values());
        } catch (IOException e) {
            throw new C360Exception("cannot list landing files " + glob + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why this file cannot be read yet, if it cannot: modified less than the settle time before
     * {@code now}, or its completion marker is missing.
     */
    Optional<String> notReady(Readiness readiness, long now, Configuration hadoop) {
        if (!readiness.settleTime().isZero()
                && now - modifiedAt < readiness.settleTime().toMillis()) {
            return Optional.of("written less than " + readiness.settleTime().toSeconds()
                    + " s ago (settle_time); left for the next run");
        }
        if (readiness.completionMarker().isPresent()) {
            String marker = readiness.completionMarker().get().replace("{file}", name());
            Path markerPath = new Path(new Path(path).getParent(), marker);
            try {
                if (!markerPath.getFileSystem(hadoop).exists(markerPath)) {
                    return Optional.of("its completion marker " + marker + " is not there yet; left for the next run");
                }
            } catch (IOException e) {
                throw new C360Exception(
                        path + ": cannot look for its completion marker " + marker + ": " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    /** SHA-256 of the content: the same bytes delivered under another name are a duplicate delivery. */
    public String contentHash(Configuration hadoop) {
        try (InputStream in = open(hadoop)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new C360Exception(path + ": cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header fields of a CSV file (names trimmed); empty when the file holds no text. */
    List<String> csvHeader(ReadOptions options, Configuration hadoop) {
        try (Reader in = content(hadoop).text(options.charset())) {
            return CsvRecords.header(in, options);
        } catch (IOException e) {
            throw new C360Exception(path + ": cannot read: " + e.getMessage(), e);
        }
    }

    public String name() {
        return new Path(path).getName();
    }

    /** The bytes the source system meant: decompressed when the name says the file is compressed. */
    Content content(Configuration hadoop) throws IOException {
        Path p = new Path(path);
        InputStream raw = p.getFileSystem(hadoop).open(p);
        if (isZip()) {
            ZipInputStream zip = new ZipInputStream(raw);
            ZipEntry entry = zip.getNextEntry();
            while (entry != null && entry.isDirectory()) {
                entry = zip.getNextEntry();
            }
            return new Content(zip);
        }
        CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(p);
        return new Content(codec == null ? raw : codec.createInputStream(raw));
    }

    boolean isZip() {
        return path.toLowerCase(Locale.ROOT).endsWith(".zip");
    }

    /** How many files a zip holds (folders aside): c360 reads a zip of one file, as an extract is one file. */
    int zipFiles(Configuration hadoop) {
        Path p = new Path(path);
        try (ZipInputStream zip = new ZipInputStream(p.getFileSystem(hadoop).open(p))) {
            int files = 0;
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                files += e.isDirectory() ? 0 : 1;
            }
            return files;
        } catch (IOException e) {
            throw new C360Exception(path + ": cannot read as a zip: " + e.getMessage(), e);
        }
    }

    /**
     * A file's bytes that end early, instead of failing, where they cannot be read further (a
     * truncated or corrupt compressed file): what was read before stays usable, and {@link #failure}
     * says why the rest is missing.
     */
    static final class Content extends FilterInputStream {
        private IOException failure;

        Content(InputStream in) {
            super(in);
        }

        Optional<IOException> failure() {
            return Optional.ofNullable(failure);
        }

        /** The text, decoded in {@code charset}; bytes not valid in it read as U+FFFD. */
        Reader text(Charset charset) {
            return new BufferedReader(
                    new InputStreamReader(
                            this,
                            charset.newDecoder()
                                    .onMalformedInput(CodingErrorAction.REPLACE)
                                    .onUnmappableCharacter(CodingErrorAction.REPLACE)),
                    1 << 16);
        }

        @Override
        public int read() throws IOException {
            if (failure != null) {
                return -1;
            }
            try {
                return super.read();
            } catch (IOException e) {
                failure = e;
                return -1;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failure != null) {
                return -1;
            }
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = e;
                return -1;
            }
        }
    }

    private InputStream open(Configuration hadoop) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(hadoop).open(p);
    }
}

package io.c360.bronze;

import io.c360.C360Exception;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** A file a source system dropped in the landing area, identified by path, size and modification time. */
public record LandedFile(String path, long size, long modifiedAt) {

  /** The files matching a glob (local or s3a://), in path order; none is an empty list, not an error. */
  public static List<LandedFile> find(String glob, Configuration hadoop) {
    try {
      Path pattern = new Path(glob);
      FileSystem fs = pattern.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(pattern);
      List<LandedFile> files = new ArrayList<>();
      if (matches != null) {
        Arrays.sort(matches);
        for (FileStatus s : matches) {
          if (s.isFile()) {
            files.add(new LandedFile(s.getPath().toString(), s.getLen(), s.getModificationTime()));
          }
        }
      }
      return files;
    } catch (IOException e) {
      throw new C360Exception("cannot list landing files " + glob + ": " + e.getMessage(), e);
    }
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

  /** The first line (a CSV header), without a byte-order mark; empty when the file has no text. */
  public String firstLine(Configuration hadoop) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(open(hadoop), StandardCharsets.UTF_8))) {
      String line = r.readLine();
      if (line == null) {
        return "";
      }
      return line.startsWith("\uFEFF") ? line.substring(1) : line;
    } catch (IOException e) {
      throw new C360Exception(path + ": cannot read: " + e.getMessage(), e);
    }
  }

  public String name() {
    return new Path(path).getName();
  }

  private InputStream open(Configuration hadoop) throws IOException {
    Path p = new Path(path);
    return p.getFileSystem(hadoop).open(p);
  }
}

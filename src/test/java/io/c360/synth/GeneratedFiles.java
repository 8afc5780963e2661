package io.c360.synth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads a generated folder back the way an independent consumer would: parsing each line, not trusting the writer. */
final class GeneratedFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One line of a source file.
     *
     * @param values column to text (null for JSON null or absent), or null when the line does not parse
     * @param id the record id, also recovered from malformed lines; null when the record has none
     */
    record Line(Source source, String raw, Map<String, String> values, String id) {
        boolean malformed() {
            return values == null;
        }
    }

    /** A truth row. */
    record Truth(String source, String recordId, String personId) {}

    final Path root;
    final Map<Source, List<Line>> lines = new EnumMap<>(Source.class);
    final List<Truth> truth = new ArrayList<>();
    final List<Map<String, String>> persons = new ArrayList<>();

    GeneratedFiles(Path root) {
        this.root = root;
        for (Source s : Source.values()) {
            List<Line> out = new ArrayList<>();
            for (Path file : files(root.resolve(s.folder))) {
                List<String> text = read(file);
                if (s.format == Source.Format.CSV) {
                    List<String> header = csv(text.get(0));
                    for (String raw : text.subList(1, text.size())) {
                        out.add(csvLine(s, header, raw));
                    }
                } else {
                    for (String raw : text) {
                        out.add(jsonLine(s, raw));
                    }
                }
            }
            lines.put(s, out);
        }
        for (Path file : files(root.resolve(PartWriter.TRUTH_FOLDER))) {
            List<String> text = read(file);
            if (file.getFileName().toString().startsWith("truth_")) {
                for (String raw : text.subList(1, text.size())) {
                    List<String> f = csv(raw);
                    truth.add(new Truth(f.get(0), f.get(1), f.get(2)));
                }
            } else {
                List<String> header = csv(text.get(0));
                for (String raw : text.subList(1, text.size())) {
                    List<String> f = csv(raw);
                    Map<String, String> row = new HashMap<>();
                    for (int i = 0; i < header.size(); i++) {
                        row.put(header.get(i), f.get(i).isEmpty() ? null : f.get(i));
                    }
                    persons.add(row);
                }
            }
        }
    }

    /** Every parsed row of a source, malformed lines left out. */
    List<Map<String, String>> rows(Source s) {
        return lines.get(s).stream()
                .filter(l -> !l.malformed())
                .map(Line::values)
                .toList();
    }

    static List<Path> files(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Line csvLine(Source s, List<String> header, String raw) {
        List<String> fields = csv(raw);
        int comma = raw.indexOf(',');
        String id = comma <= 0 ? null : raw.substring(0, comma);
        if (fields == null || fields.size() != header.size()) {
            return new Line(s, raw, null, id);
        }
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            values.put(header.get(i), fields.get(i).isEmpty() ? null : fields.get(i));
        }
        return new Line(s, raw, values, id);
    }

    private static Line jsonLine(Source s, String raw) {
        try {
            JsonNode node = JSON.readTree(raw);
            Map<String, String> values = new HashMap<>();
            node.fields()
                    .forEachRemaining(e -> values.put(
                            e.getKey(),
                            e.getValue().isNull() ? null : e.getValue().asText()));
            return new Line(s, raw, values, values.get(s.key()));
        } catch (IOException e) {
            Matcher m = Pattern.compile("^\\{\"" + s.key() + "\":\"([^\"]+)\"").matcher(raw);
            return new Line(s, raw, null, m.find() ? m.group(1) : null);
        }
    }

    /** RFC 4180 fields of one line, or null when a quote is left open. */
    static List<String> csv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.length() == 0) {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            return null;
        }
        out.add(field.toString());
        return out;
    }
}

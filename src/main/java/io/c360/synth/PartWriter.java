package io.c360.synth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.c360.synth.SourceRecord.Malformation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The files of one part: the six source extracts as their systems export them (CSV with a header
 * and RFC 4180 quoting, or one JSON object per line), the truth rows and the true persons.
 */
final class PartWriter implements AutoCloseable {
    static final String TRUTH_FOLDER = "_truth";
    static final List<String> PERSON_COLUMNS = List.of(
            "person_id",
            "household_id",
            "twin_of",
            "gender",
            "given_name",
            "middle_initial",
            "surname",
            "maiden_name",
            "married_on",
            "birth_date",
            "ssn",
            "email",
            "previous_email",
            "email_changed_on",
            "mobile",
            "landline",
            "street",
            "city",
            "state",
            "zip",
            "previous_street",
            "previous_city",
            "previous_state",
            "previous_zip",
            "moved_on",
            "customer_since");

    private static final JsonFactory JSON = new JsonFactory();
    private static final int BUFFER = 1 << 18;

    private final Map<Source, Writer> files = new EnumMap<>(Source.class);
    private final Map<Source, JsonGenerator> json = new EnumMap<>(Source.class);
    private final Map<Source, Long> counts = new EnumMap<>(Source.class);
    private final Writer truth;
    private final Writer persons;
    private final StringBuilder line = new StringBuilder(512);
    private long truthRows;

    PartWriter(Path out, int part) throws IOException {
        for (Source s : Source.values()) {
            Writer w = open(out.resolve(s.folder).resolve(s.fileName(part)));
            files.put(s, w);
            counts.put(s, 0L);
            if (s.format == Source.Format.CSV) {
                w.write(csvLine(s.columns));
            } else {
                JsonGenerator g = JSON.createGenerator(w);
                g.setRootValueSeparator(null);
                json.put(s, g);
            }
        }
        Path truthDir = out.resolve(TRUTH_FOLDER);
        truth = open(truthDir.resolve("truth_" + Population.pad(part, 5) + ".csv"));
        truth.write("source,record_id,person_id\n");
        persons = open(truthDir.resolve("persons_" + Population.pad(part, 5) + ".csv"));
        persons.write(csvLine(PERSON_COLUMNS));
    }

    void write(SourceRecord r) throws IOException {
        if (r.source.format == Source.Format.CSV) {
            writeCsv(r);
        } else {
            writeJson(r);
        }
        counts.merge(r.source, 1L, Long::sum);
        String id = r.id();
        if (id != null) {
            truth.write(r.source.sourceName + "," + csvField(id) + "," + r.personId + "\n");
            truthRows++;
        }
    }

    void write(Person p) throws IOException {
        Address a = p.address();
        Address old = p.previousAddress();
        persons.write(csvLine(List.of(
                p.personId(),
                p.householdId(),
                text(p.twinOf()),
                p.gender(),
                p.given(),
                text(p.middleInitial()),
                p.surname(),
                text(p.maidenName()),
                text(p.marriedOn()),
                p.birthDate().toString(),
                p.ssn(),
                p.email(),
                text(p.previousEmail()),
                text(p.emailChangedOn()),
                p.mobile(),
                text(p.landline()),
                a.canonicalLine(),
                a.place().city(),
                a.place().state(),
                a.zip(),
                old == null ? "" : old.canonicalLine(),
                old == null ? "" : old.place().city(),
                old == null ? "" : old.place().state(),
                old == null ? "" : old.zip(),
                text(p.movedOn()),
                p.customerSince().toString())));
    }

    Map<Source, Long> counts() {
        return counts;
    }

    long truthRows() {
        return truthRows;
    }

    private void writeCsv(SourceRecord r) throws IOException {
        line.setLength(0);
        List<String> columns = r.source.columns;
        for (int i = 0; i < columns.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            Object v = r.get(columns.get(i));
            line.append(v == null ? "" : csvField(v.toString()));
        }
        if (r.malformation == Malformation.UNBALANCED_QUOTE) {
            int comma = line.indexOf(",");
            line.insert(comma + 1, '"');
        } else if (r.malformation == Malformation.EXTRA_FIELDS) {
            line.append(",see notes,,");
        }
        line.append('\n');
        files.get(r.source).append(line);
    }

    private void writeJson(SourceRecord r) throws IOException {
        JsonGenerator g = json.get(r.source);
        if (r.malformation == Malformation.TRUNCATED_JSON) {
            StringWriter whole = new StringWriter();
            try (JsonGenerator one = JSON.createGenerator(whole)) {
                object(one, r);
            }
            String text = whole.toString();
            g.writeRaw(text.substring(0, Math.max(1, text.length() * 3 / 5)));
        } else {
            object(g, r);
        }
        g.writeRaw('\n');
    }

    private static void object(JsonGenerator g, SourceRecord r) throws IOException {
        g.writeStartObject();
        for (String column : r.source.columns) {
            Object v = r.get(column);
            if (v instanceof Integer n) {
                g.writeNumberField(column, n);
            } else if (v != null) {
                g.writeStringField(column, v.toString());
            }
        }
        g.writeEndObject();
    }

    static String csvLine(List<String> values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(csvField(values.get(i)));
        }
        return b.append('\n').toString();
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, and its quotes doubled. */
    static String csvField(String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return '"' + v.replace("\"", "\"\"") + '"';
            }
        }
        return v;
    }

    private static String text(Object v) {
        return v == null ? "" : v.toString();
    }

    private static Writer open(Path file) throws IOException {
        return new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file), StandardCharsets.UTF_8), BUFFER);
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        for (Source s : Source.values()) {
            try {
                JsonGenerator g = json.get(s);
                if (g != null) {
                    g.close();
                } else {
                    files.get(s).close();
                }
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        for (Writer w : List.of(truth, persons)) {
            try {
                w.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}

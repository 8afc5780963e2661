package io.c360.standardize;

import io.c360.config.YamlNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Options of standardization ({@code standardize:} of {@code silver/identity.yaml}); {@code junk} lists
 * placeholders per attribute, compared in {@link Standardize#text} form; {@code emailDomains} are the mail
 * domains a mistyped domain is corrected to (none: no correction).
 */
public record Standardization(
        String phoneRegion,
        boolean canonicalEmail,
        List<String> emailDomains,
        List<String> dateFormats,
        Optional<Path> nicknames,
        Map<String, String> streetAbbreviations,
        Map<String, List<String>> junk) {

    /** Kinds of values with a junk blocklist ({@code name} covers given name and surname). */
    public static final List<String> JUNK_KINDS =
            List.of("name", "email", "phone", "street", "national_id", "birth_date");

    public List<String> junk(String attribute) {
        return junk.getOrDefault(attribute, List.of());
    }

    public static Standardization defaults() {
        return new Standardization(
                "US",
                true,
                List.of(),
                List.of("yyyy-MM-dd", "MM/dd/yyyy", "dd.MM.yyyy", "yyyyMMdd"),
                Optional.empty(),
                Map.of(),
                Map.of());
    }

    /** The {@code standardize:} section of an identity file, or the defaults when the file has none. */
    public static Standardization ofIdentityFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return defaults();
        }
        Path base = file.toAbsolutePath().getParent();
        return YamlNode.load(file)
                .optChild("standardize")
                .map(s -> read(s, base))
                .orElse(defaults());
    }

    /** A {@code standardize:} section; {@code nicknames} is resolved against {@code base}, the identity file's folder. */
    public static Standardization read(YamlNode s, Path base) {
        Map<String, List<String>> junk = new LinkedHashMap<>();
        s.optChild("junk").ifPresent(j -> {
            for (String attribute : j.keys()) {
                if (!JUNK_KINDS.contains(attribute)) {
                    throw j.error(attribute, "unknown kind of value; expected one of " + String.join(", ", JUNK_KINDS));
                }
                junk.put(attribute, j.textList(attribute));
            }
            j.finish();
        });
        Standardization std = new Standardization(
                s.text("phone_region", "US").toUpperCase(Locale.ROOT),
                s.bool("canonical_email", true),
                s.has("email_domains")
                        ? s.textList("email_domains").stream()
                                .map(d -> d.trim().toLowerCase(Locale.ROOT))
                                .toList()
                        : List.of(),
                s.has("date_formats") ? s.textList("date_formats") : defaults().dateFormats(),
                s.optText("nicknames").map(n -> base.resolve(n).normalize()),
                s.textMap("street_abbreviations"),
                junk);
        s.finish();
        return std;
    }
}

package io.c360.synth;

/**
 * The kinds of noise the generator puts into source records, each with its YAML key, default rate
 * and meaning. Rates are probabilities in [0, 1]; {@code --noise X} multiplies all of them.
 */
public enum NoiseKind {
    TYPO(
            "typo",
            0.03,
            "a field value (name, e-mail, street, city) gets one typing error: a character inserted, deleted, replaced by a keyboard neighbour, or two swapped"),
    NICKNAME("nickname", 0.15, "a given name is written as a nickname (Robert -> Bob, Elizabeth -> Liz)"),
    NAME_SWAP("name_swap", 0.01, "first and last name are entered the wrong way round"),
    MAIDEN_NAME("maiden_name", 0.25, "a record made after a person's marriage still carries the maiden name"),
    ACCENT("accent", 0.5, "an accented name loses its accents (José -> Jose), or a plain one gains them"),
    MIXED_CASE("mixed_case", 0.05, "a name or address is typed in upper or lower case (JOHN SMITH, john smith)"),
    EMAIL_CHANGE(
            "email_change", 0.2, "a person changed e-mail address during the history; older records carry the old one"),
    EMAIL_ALIAS(
            "email_alias",
            0.06,
            "an e-mail is written as an alias of the same mailbox (gmail dots, +tags, googlemail.com) or with odd case"),
    PHONE_FORMAT(
            "phone_format",
            0.5,
            "a phone is written in another format than the system's usual one ((415) 555-0134, 415.555.0134, +1 415 555 0134, 4155550134)"),
    SHARED_PHONE(
            "shared_phone",
            0.15,
            "a record of a person whose household has a landline carries the landline instead of the mobile"),
    ADDRESS_ABBREVIATION(
            "address_abbreviation",
            0.35,
            "an address part is spelled differently (Street/St/St., Apartment/Apt/#, North/N, state name, zip+4)"),
    ZIP_LEADING_ZERO_LOSS(
            "zip_leading_zero_loss",
            0.3,
            "a zip code starting with 0 loses it, as after a spreadsheet round trip (02108 -> 2108)"),
    MOVE("move", 0.15, "a household moved during the history; records older than the move carry the old address"),
    MISSING("missing", 0.06, "an optional identity field (e-mail, phone, address part, birth date) is left empty"),
    JUNK(
            "junk",
            0.01,
            "an optional identity field holds a placeholder (N/A, none, unknown, test@test.com, 000-000-0000, 123 Main St)"),
    BIRTH_DATE_FORMAT(
            "birth_date_format",
            0.4,
            "a CRM birth date is typed as MM/dd/yyyy, dd.MM.yyyy or yyyyMMdd instead of yyyy-MM-dd"),
    DATE_TRANSPOSITION(
            "date_transposition", 0.02, "a birth date has day and month swapped (when the day is 12 or less)");

    private final String key;
    private final double defaultRate;
    private final String meaning;

    NoiseKind(String key, double defaultRate, String meaning) {
        this.key = key;
        this.defaultRate = defaultRate;
        this.meaning = meaning;
    }

    public String key() {
        return key;
    }

    public double defaultRate() {
        return defaultRate;
    }

    public String meaning() {
        return meaning;
    }
}

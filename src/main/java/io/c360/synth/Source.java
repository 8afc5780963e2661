package io.c360.synth;

import java.util.List;
import java.util.Locale;

/**
 * The six source extracts: where each is written, in which format, and its columns in the order of
 * its bronze data contract ({@code bronze/<name>.yaml}). The first column is the record key.
 */
enum Source {
    CRM_CONTACTS(
            "crm_contacts",
            "crm",
            "contacts",
            Format.CSV,
            "CRM",
            "contact_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "street",
            "city",
            "state",
            "postal_code",
            "country",
            "birth_date",
            "gender",
            "created_at",
            "updated_at"),
    BILLING_ACCOUNTS(
            "billing_accounts",
            "billing",
            "accounts",
            Format.CSV,
            "ACC",
            "account_id",
            "account_name",
            "email",
            "phone",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "zip",
            "country",
            "tax_id",
            "date_of_birth",
            "crm_contact_id",
            "opened_on",
            "status"),
    SUPPORT_TICKETS(
            "support_tickets",
            "support",
            "tickets",
            Format.JSONL,
            "TCK",
            "ticket_id",
            "requester_name",
            "requester_email",
            "requester_phone",
            "subject",
            "channel",
            "status",
            "priority",
            "created_at",
            "solved_at",
            "satisfaction"),
    WEB_EVENTS(
            "web_events",
            "web",
            "events",
            Format.JSONL,
            "EVT",
            "event_id",
            "anonymous_id",
            "user_email",
            "event_type",
            "platform",
            "page",
            "event_time"),
    ECOMMERCE_ORDERS(
            "ecommerce_orders",
            "ecommerce",
            "orders",
            Format.CSV,
            "ORD",
            "order_id",
            "customer_email",
            "ship_first_name",
            "ship_last_name",
            "ship_phone",
            "ship_street",
            "ship_city",
            "ship_state",
            "ship_postal_code",
            "ship_country",
            "order_time",
            "status",
            "currency",
            "total_amount",
            "item_count"),
    CONSENT_EVENTS(
            "consent_events",
            "consent",
            "consent",
            Format.JSONL,
            "CNS",
            "consent_event_id",
            "email",
            "phone",
            "crm_contact_id",
            "purpose",
            "channel",
            "status",
            "event_time",
            "capture_source");

    enum Format {
        CSV,
        JSONL
    }

    final String sourceName;
    final String folder;
    final String filePrefix;
    final Format format;
    final String idPrefix;
    final List<String> columns;

    Source(String sourceName, String folder, String filePrefix, Format format, String idPrefix, String... columns) {
        this.sourceName = sourceName;
        this.folder = folder;
        this.filePrefix = filePrefix;
        this.format = format;
        this.idPrefix = idPrefix;
        this.columns = List.of(columns);
    }

    String key() {
        return columns.get(0);
    }

    String fileName(int part) {
        return filePrefix + "_" + Population.pad(part, 5) + (format == Format.CSV ? ".csv" : ".jsonl");
    }

    /**
     * A record id that is unique per (person, sequence) yet reveals neither: the pair is packed into
     * 64 bits and passed through a seeded bijection, then written in base 36.
     */
    String recordId(long seed, long personIndex, int sequence) {
        long packed = (personIndex << 20) | (sequence & 0xFFFFF);
        long salt = Rng.mix(seed + ordinal() * 0x9E3779B97F4A7C15L);
        String digits = Long.toUnsignedString(Rng.mix(packed ^ salt), 36).toUpperCase(Locale.ROOT);
        return idPrefix + "-" + "0".repeat(13 - digits.length()) + digits;
    }
}

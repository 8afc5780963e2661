package io.c360.governance;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything that identifies the person of a request in the lake: their customer ids, the records
 * resolved to them ({@code source:record_id}), the identity signatures of those records, and the
 * e-mail addresses and phone numbers in silver's form that are theirs alone (an identifier another
 * customer's records also carry, a shared household phone say, identifies someone else too and is
 * left to them), plus the requested identifier itself and how the sources wrote those identifiers.
 *
 * @param normalized the requested e-mail or phone in silver's form (empty for a customer id request)
 * @param rawValues e-mail and phone values as delivered in bronze whose silver form is one of {@code emails} or {@code phones}
 */
public record Subject(
        ErasureRequest request,
        Optional<String> normalized,
        Set<String> customerIds,
        Set<String> recordKeys,
        Set<String> signatures,
        Set<String> emails,
        Set<String> phones,
        Set<String> rawValues) {

    /** One customer of a subject, as listed to an operator: id, how many records, from which sources; no other personal data. */
    public record Customer(String customerId, int records, List<String> sources) {
        public Customer {
            sources = List.copyOf(sources);
        }

        @Override
        public String toString() {
            return customerId + "  " + records + " record(s)  " + String.join(", ", sources);
        }
    }

    public Subject {
        customerIds = Set.copyOf(customerIds);
        recordKeys = Set.copyOf(recordKeys);
        signatures = Set.copyOf(signatures);
        emails = Set.copyOf(emails);
        phones = Set.copyOf(phones);
        rawValues = Set.copyOf(rawValues);
    }

    /** Source record ids per source (from the record keys). */
    public Map<String, Set<String>> recordIdsBySource() {
        Map<String, Set<String>> ids = new TreeMap<>();
        for (String key : recordKeys) {
            int at = key.indexOf(':');
            if (at > 0) {
                ids.computeIfAbsent(key.substring(0, at), s -> new TreeSet<>()).add(key.substring(at + 1));
            }
        }
        return ids;
    }

    /** Every source record id, whatever the source. */
    public Set<String> recordIds() {
        Set<String> ids = new TreeSet<>();
        recordIdsBySource().values().forEach(ids::addAll);
        return ids;
    }

    /** Whether the lake knows nothing of this person. */
    public boolean isEmpty() {
        return customerIds.isEmpty() && recordKeys.isEmpty();
    }

    /** Every identifying string, to find the person in any column of any table. */
    public Needles needles() {
        Set<String> all = new HashSet<>();
        all.addAll(customerIds);
        all.addAll(recordKeys);
        all.addAll(recordIds());
        all.addAll(signatures);
        all.addAll(emails);
        all.addAll(phones);
        all.addAll(rawValues);
        return new Needles(all);
    }

    /** The same subject with more records and raw values (found in bronze). */
    Subject with(Set<String> moreRecordKeys, Set<String> moreRawValues) {
        Set<String> keys = new HashSet<>(recordKeys);
        keys.addAll(moreRecordKeys);
        Set<String> raw = new HashSet<>(rawValues);
        raw.addAll(moreRawValues);
        return new Subject(request, normalized, customerIds, keys, signatures, emails, phones, raw);
    }
}

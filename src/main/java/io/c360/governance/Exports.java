package io.c360.governance;

import io.c360.C360Exception;
import io.c360.access.AccessLog;
import io.c360.access.Masking;
import io.c360.config.C360Config;
import io.c360.gold.Activation;
import io.c360.gold.GoldDefinitions;
import io.c360.lake.Lake;
import io.c360.lake.Storage;
import io.c360.lake.TableName;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Activation exports made for a role ({@code c360 export}): a file goes to a marketing platform with
 * its personal data in clear, so the role it is made for must see every column it writes in clear
 * (the one definition of who sees what, {@link Masking}); a role that does not is refused before
 * anything is read. Every export, written or refused, is appended to {@code ops.access_log}.
 */
public final class Exports {
    private static final TableName CUSTOMER = TableName.gold("customer");

    private Exports() {}

    /** Writes the segment's activation file for the role as {@code user}, and returns its rows. */
    public static long write(
            Lake lake,
            C360Config config,
            GoldDefinitions gold,
            String segmentName,
            String out,
            String role,
            String user) {
        Masking masking = Masking.forConfig(lake, config);
        String declared = masking.role(Optional.of(role));
        GoldDefinitions.Segment segment = Activation.segment(gold, segmentName);
        String statement = "export --segment " + segment.name() + " --out " + Storage.qualified(out);
        List<String> tables = Activation.tablesRead(segment);
        Set<String> masked = masking.masked(CUSTOMER, declared).keySet();
        List<String> hidden =
                Activation.columns(segment).stream().filter(masked::contains).toList();
        if (!hidden.isEmpty()) {
            log(lake, user, declared, statement, tables, Optional.empty(), AccessLog.Outcome.refused);
            Map<String, String> kinds = masking.kinds(CUSTOMER);
            throw new C360Exception("role " + declared + " does not see "
                    + String.join(
                            ", ", new TreeSet<>(hidden.stream().map(kinds::get).toList()))
                    + " in clear, which the " + segment.channel().orElseThrow() + " export of segment "
                    + segment.name() + " writes (" + String.join(", ", hidden) + " of " + CUSTOMER
                    + "); nothing was written. Export with --role naming a role that sees them, or add the kinds"
                    + " to the role under access.roles in " + config.file());
        }
        long rows;
        try {
            rows = Activation.export(lake, config, gold, segment.name(), out);
        } catch (RuntimeException e) {
            log(lake, user, declared, statement, tables, Optional.empty(), AccessLog.Outcome.failed);
            throw e;
        }
        log(lake, user, declared, statement, tables, Optional.of(rows), AccessLog.Outcome.answered);
        return rows;
    }

    private static void log(
            Lake lake,
            String user,
            String role,
            String statement,
            List<String> tables,
            Optional<Long> rows,
            AccessLog.Outcome outcome) {
        AccessLog.append(
                lake,
                List.of(new AccessLog.Entry(
                        Instant.now(), user, role, AccessLog.Channel.export, statement, tables, rows, outcome)));
    }
}

package io.c360.quality;

import io.c360.lake.TableName;
import io.c360.quality.CheckOutcome.Level;
import java.util.List;

/** The checks declared for one table, in declaration order (blocking ones first). */
record TableChecks(TableName table, List<QualityCheck> checks) {
    TableChecks {
        checks = List.copyOf(checks);
    }

    /** The level at which the table's absence is reported: error when any of its checks would block. */
    Level level() {
        return checks.stream().anyMatch(c -> c.level() == Level.error) ? Level.error : Level.warning;
    }
}

package io.c360.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.gold.GoldLineage;
import io.c360.lake.TableCatalog;
import io.c360.test.SampleLake;
import io.c360.test.SparkExtension;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every gold column that holds personal data says so: on the shared generated lake, no gold column
 * shares values with a PII-tagged bronze or silver column without a {@code pii:} tag of its own in
 * {@code gold/tables.yaml} or derived from the column lineage, as the catalog masking reads knows it (see {@link PiiValueLeaks}, and
 * {@link PiiValueLeaksTest} for a finding).
 */
@ExtendWith(SparkExtension.class)
@Tag("pipeline")
class GoldPiiTagsTest {
    @Test
    void noGoldColumnHoldsValuesOfAPiiTaggedSourceColumnWithoutATag() {
        SampleLake.Site site = SampleLake.shared();
        TableCatalog catalog = GoldLineage.catalog(site.lake(), site.config());
        assertTrue(
                catalog.tables().stream()
                        .anyMatch(t -> t.name().layer().equals("gold")
                                && t.columns().stream().anyMatch(c -> c.pii().isPresent())),
                "the catalog knows gold's pii: tags");

        assertEquals(List.of(), PiiValueLeaks.find(site.lake(), catalog));
    }
}

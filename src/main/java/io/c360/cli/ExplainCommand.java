package io.c360.cli;

import io.c360.C360Exception;
import io.c360.config.C360Config;
import io.c360.lake.Lake;
import io.c360.lake.TableCatalog;
import io.c360.silver.Explanation;
import io.c360.silver.ModelStore;
import io.c360.silver.SilverConfig;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        description = {
            "Explains the match decision between two records.",
            "Per comparison its level and weight (a text waterfall), the rules and vetoes hit, the final probability and"
                    + " decision, with the saved model.",
            "Records are named source:record_id, e.g. crm_contacts:CRM-1A2B3C (see silver.identity_records)."
        })
final class ExplainCommand implements Runnable {
    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RECORD_A")
    String left;

    @Parameters(index = "1", paramLabel = "RECORD_B")
    String right;

    @Override
    public void run() {
        C360Config cfg = config.load();
        SilverConfig silver = SilverConfig.of(cfg);
        Lake lake = Lake.forConfig(cfg);
        ModelStore.Artefact model = new ModelStore(
                        lake.root(), lake.spark().sparkContext().hadoopConfiguration())
                .latest(ModelStore.fingerprint(silver.matching()))
                .orElseThrow(() -> new C360Exception("no trained model for the comparisons in "
                        + silver.folder().resolve("matching.yaml") + " under " + lake.root()
                        + "; run: c360 run --stage silver"));
        ModelStore store =
                new ModelStore(lake.root(), lake.spark().sparkContext().hadoopConfiguration());
        Explanation.Result e = Explanation.explain(
                lake.read(TableCatalog.IDENTITY_RECORDS),
                left,
                right,
                silver.matching(),
                model.parameters(),
                store.termFrequencies(lake.spark(), model.version()));
        PrintWriter out = spec.commandLine().getOut();
        out.println(Explanation.format(e, silver.matching().model()));
        out.println("  model v" + model.version() + " trained " + model.trainedAt());
        out.flush();
    }
}

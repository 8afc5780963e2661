package io.c360;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Dependencies flow one way, from the command line down to the lake (docs/ARCHITECTURE.md): a layer
 * uses the layers below it and never one above, so a change to a lower layer cannot be broken by, and
 * never has to know about, the code that uses it.
 */
@Tag("unit")
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages("io.c360");
    }

    @Test
    void bronzeUsesNoLaterStage() {
        noClasses()
                .that()
                .resideInAPackage("io.c360.bronze..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.c360.silver..", "io.c360.gold..", "io.c360.governance..")
                .check(classes);
    }

    @Test
    void foundationsUseNoLayer() {
        noClasses()
                .that()
                .resideInAnyPackage("io.c360.lake..", "io.c360.config..", "io.c360.standardize..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.c360.bronze..",
                        "io.c360.silver..",
                        "io.c360.gold..",
                        "io.c360.access..",
                        "io.c360.governance..",
                        "io.c360.quality..",
                        "io.c360.ops..",
                        "io.c360.serve..",
                        "io.c360.cli..",
                        "io.c360.synth..",
                        "io.c360.eval..",
                        "io.c360.bench..")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.c360.(*)..").should().beFreeOfCycles().check(classes);
    }

    /**
     * The layers, top to bottom. The generator, the evaluation and the benchmark are tools beside the
     * engine: they may use it, it never uses them.
     */
    @Test
    void layersOnlyUseLayersBelow() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Cli")
                .definedBy("io.c360.cli..")
                .layer("Tools")
                .definedBy("io.c360.synth..", "io.c360.eval..", "io.c360.bench..")
                .layer("Operations")
                .definedBy(
                        "io.c360.ops..",
                        "io.c360.governance..",
                        "io.c360.serve..",
                        "io.c360.steward..",
                        "io.c360.workbench..")
                .layer("Access")
                .definedBy("io.c360.access..")
                .layer("Gold")
                .definedBy("io.c360.gold..")
                .layer("Silver")
                .definedBy("io.c360.silver..")
                .layer("Bronze")
                .definedBy("io.c360.bronze..")
                .layer("Foundations")
                .definedBy("io.c360.quality..", "io.c360.standardize..", "io.c360.lake..")
                .layer("Config")
                .definedBy("io.c360.config..")
                .layer("Root")
                .definedBy("io.c360")
                .whereLayer("Cli")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("Tools")
                .mayOnlyBeAccessedByLayers("Cli", "Tools")
                .whereLayer("Operations")
                .mayOnlyBeAccessedByLayers("Cli", "Tools")
                .whereLayer("Access")
                .mayOnlyBeAccessedByLayers("Cli", "Tools", "Operations")
                .whereLayer("Gold")
                .mayOnlyBeAccessedByLayers("Cli", "Tools", "Operations", "Access")
                .whereLayer("Silver")
                .mayOnlyBeAccessedByLayers("Cli", "Tools", "Operations", "Access", "Gold")
                .whereLayer("Bronze")
                .mayOnlyBeAccessedByLayers("Cli", "Tools", "Operations", "Access", "Gold", "Silver")
                .whereLayer("Foundations")
                .mayOnlyBeAccessedByLayers("Cli", "Tools", "Operations", "Access", "Gold", "Silver", "Bronze")
                .whereLayer("Config")
                .mayOnlyBeAccessedByLayers(
                        "Cli", "Tools", "Operations", "Access", "Gold", "Silver", "Bronze", "Foundations")
                .check(classes);
    }
}

package io.c360.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.C360Exception;
import io.c360.bronze.SourceContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("unit")
class C360ConfigTest {
    @TempDir
    Path dir;

    private static final String VALID = """
      lake:
        root: ../lake
      landing: ../landing
      sources:
        - {name: crm_contacts, system: crm, format: csv, path: 'crm/*.csv', contract: ../bronze/crm_contacts.yaml}
      """;

    private Path write(String yaml) throws IOException {
        Path conf = dir.resolve("conf");
        Files.createDirectories(conf);
        return Files.writeString(conf.resolve("c360.yaml"), yaml);
    }

    private String errorOf(String yaml) throws IOException {
        Path file = write(yaml);
        return assertThrows(C360Exception.class, () -> C360Config.load(file)).getMessage();
    }

    @Test
    void relativePathsResolveAgainstTheConfigFolderAndUrisStayAsTheyAre() throws IOException {
        C360Config cfg = C360Config.load(write(VALID));
        assertEquals(dir.resolve("lake").toString(), cfg.lakeRoot());
        assertEquals(
                dir.resolve("landing") + "/crm/*.csv",
                cfg.sourceGlob(cfg.sources().get(0)));
        assertEquals(
                dir.resolve("bronze/crm_contacts.yaml"), cfg.sources().get(0).contract());
        assertEquals("local[*]", cfg.spark().master());

        C360Config s3 = C360Config.load(write(VALID.replace("../lake", "s3a://bucket/lake/")));
        assertEquals("s3a://bucket/lake", s3.lakeRoot());
    }

    @Test
    void accessRolesDefaultAndADefaultRoleMustBeDeclared() throws IOException {
        AccessSettings defaults = C360Config.load(write(VALID)).access();
        assertEquals("analyst", defaults.defaultRole());
        assertTrue(defaults.seesInClear("privacy", "email") && !defaults.seesInClear("analyst", "email"));

        AccessSettings own = C360Config.load(
                        write(
                                VALID
                                        + "access:\n  default_role: bi\n  roles: {bi: [address], dpo: [all]}\n  masks: {email: partial}\n"))
                .access();
        assertEquals(AccessSettings.Mask.partial, own.mask("email"));
        assertEquals(AccessSettings.Mask.hide, own.mask("shoe_size"));
        assertTrue(own.seesInClear("bi", "address") && !own.seesInClear("bi", "name"));

        String undeclared = errorOf(VALID + "access:\n  roles: {bi: [address]}\n");
        assertTrue(undeclared.contains("access.default_role") && undeclared.contains("bi"), undeclared);
        String badMask = errorOf(VALID + "access:\n  masks: {email: scramble}\n");
        assertTrue(badMask.contains("access.masks"), badMask);
    }

    @Test
    void lineageIsOffUnlessATransportIsGivenAndEachTransportNeedsItsTarget() throws IOException {
        assertEquals(
                C360Config.LineageSettings.OFF, C360Config.load(write(VALID)).lineage());

        C360Config.LineageSettings file = C360Config.load(
                        write(VALID + "lineage: {transport: file, path: ../work/lineage.jsonl}\n"))
                .lineage();
        assertEquals(C360Config.LineageSettings.Transport.file, file.transport());
        assertEquals(java.util.Optional.of(dir.resolve("work/lineage.jsonl").toString()), file.path());
        assertEquals("c360", file.namespace());

        String noUrl = errorOf(VALID + "lineage: {transport: http}\n");
        assertTrue(noUrl.contains("c360.yaml") && noUrl.contains("lineage.url"), noUrl);
        String token = errorOf(
                VALID + "lineage: {transport: http, url: 'http://marquez:5000', api_key_env: 'Bearer s3cr3t'}\n");
        assertTrue(token.contains("lineage.api_key_env"), token);
        assertTrue(!token.contains("s3cr3t"), "a token written where its variable's name belongs is not repeated");
    }

    @Test
    void unknownKeyIsAnErrorNamingFileKeyAndTheExpectedKeys() throws IOException {
        String message = errorOf(VALID.replace("root: ../lake", "root: ../lake\n  rooot: x"));
        assertTrue(
                message.contains("c360.yaml")
                        && message.contains("lake.rooot")
                        && message.contains("expected one of: root"),
                message);

        String nested = errorOf(VALID.replace("format: csv", "formt: csv"));
        assertTrue(nested.contains("sources[0]"), nested);
    }

    @Test
    void readerOptionsAndReadinessAreTypedAndBadOnesNamed() throws IOException {
        C360Config cfg = C360Config.load(write(VALID.replace(
                "contract: ../bronze/crm_contacts.yaml}",
                "contract: ../bronze/crm_contacts.yaml, settle_time: 90s, completion_marker: _SUCCESS,"
                        + " options: {delimiter: ';', encoding: latin1, header: 'false'}}")));
        C360Config.SourceConfig crm = cfg.sources().get(0);
        assertEquals(';', crm.read().delimiter());
        assertEquals("ISO-8859-1", crm.read().encoding());
        assertEquals(false, crm.read().header());
        assertEquals(java.time.Duration.ofSeconds(90), crm.readiness().settleTime());
        assertEquals(java.util.Optional.of("_SUCCESS"), crm.readiness().completionMarker());

        String unknown = errorOf(VALID.replace(
                "contract: ../bronze/crm_contacts.yaml}",
                "contract: ../bronze/crm_contacts.yaml, options: {delimeter: ';'}}"));
        assertTrue(
                unknown.contains("c360.yaml")
                        && unknown.contains("sources[0].options.delimeter")
                        && unknown.contains("expected one of: delimiter"),
                unknown);
        String encoding = errorOf(VALID.replace(
                "contract: ../bronze/crm_contacts.yaml}",
                "contract: ../bronze/crm_contacts.yaml, options: {encoding: klingon}}"));
        assertTrue(encoding.contains("options.encoding") && encoding.contains("'klingon'"), encoding);
        String settle = errorOf(VALID.replace(
                "contract: ../bronze/crm_contacts.yaml}", "contract: ../bronze/crm_contacts.yaml, settle_time: soon}"));
        assertTrue(settle.contains("settle_time") && settle.contains("30s"), settle);
    }

    @Test
    void missingKeyAndBadValuesAreNamed() throws IOException {
        assertTrue(errorOf(VALID.replace("landing: ../landing\n", "")).contains("landing: missing required key"));
        String format = errorOf(VALID.replace("format: csv", "format: xml"));
        assertTrue(
                format.contains("sources[0].format")
                        && format.contains("csv, json, parquet")
                        && format.contains("'xml'"),
                format);
        String dup = errorOf(VALID + "  - {name: crm_contacts, system: crm, format: csv, path: x, contract: y}\n");
        assertTrue(dup.contains("declared twice"), dup);
        String notYaml = errorOf("lake: [unclosed");
        assertTrue(notYaml.contains("not valid YAML"), notYaml);
    }

    @Test
    void serveReadsTheUsersFileBesideTheConfigurationUnlessToldOtherwise() throws IOException {
        Path conf = dir.resolve("conf");
        ServeSettings defaults = C360Config.load(write(VALID)).serve();
        assertEquals(ServeSettings.Auth.users, defaults.auth());
        assertEquals(conf.resolve("users").toAbsolutePath(), defaults.users());
        assertTrue(defaults.ldap().isEmpty() && defaults.tls().isEmpty());

        ServeSettings ldap = C360Config.load(write(VALID + """
                serve:
                  auth: ldap
                  ldap: {url: 'ldap://directory:389', base_dn: 'ou=people,dc=example,dc=com', roles: {ada: privacy}}
                  tls: {keystore: ../secrets/serve.p12}
                """)).serve();
        assertEquals(ServeSettings.Auth.ldap, ldap.auth());
        assertEquals("ldap://directory:389", ldap.ldap().orElseThrow().url());
        assertEquals(
                Optional.of("ou=people,dc=example,dc=com"),
                ldap.ldap().orElseThrow().baseDn());
        assertEquals("privacy", ldap.ldap().orElseThrow().roles().get("ada"));
        assertEquals(
                dir.resolve("secrets/serve.p12").toAbsolutePath(),
                ldap.tls().orElseThrow().keystore());
        assertEquals(
                ServeSettings.DEFAULT_KEYSTORE_PASSWORD_ENV,
                ldap.tls().orElseThrow().passwordEnv());

        assertTrue(errorOf(VALID + "serve: {auth: kerberos}\n")
                .contains("serve.auth: expected users or ldap but was 'kerberos'"));
        assertTrue(errorOf(VALID + "serve: {auth: ldap}\n").contains("serve.ldap: missing required key"));
        String pattern = errorOf(VALID + "serve: {auth: ldap, ldap: {url: 'ldap://d', user_dn_pattern: 'uid=x'}}\n");
        assertTrue(pattern.contains("serve.ldap.user_dn_pattern: expected %s"), pattern);
    }

    @Test
    void aFileOfAnotherVersionIsAnErrorNamingTheVersionsRead() throws IOException {
        assertEquals(
                dir.resolve("lake").toString(),
                C360Config.load(write("version: 1\n" + VALID)).lakeRoot());
        String future = errorOf("version: 2\n" + VALID);
        assertTrue(
                future.contains("c360.yaml: version: this c360 reads version 1 of this file") && future.contains("'2'"),
                future);
    }

    @Test
    void aMisspeltRequiredKeyIsNamedWithItsNearMiss() throws IOException {
        String nested = errorOf(VALID.replace("format: csv", "formt: csv"));
        assertTrue(
                nested.contains("sources[0].format: missing required key (found unknown key 'formt': a typo?)"),
                nested);
        String optional = errorOf(VALID.replace("landing: ../landing", "landing: ../landing\nreprots: x"));
        assertTrue(optional.contains("reprots: unknown key (a typo of 'reports'?); expected one of:"), optional);
        String persons = errorOf(VALID + "demo: {persons: lots}\n");
        assertTrue(persons.contains("demo.persons: expected a whole number but was 'lots'"), persons);
    }

    @Test
    void shippedConfigurationAndContractsAreValid() {
        C360Config cfg = C360Config.load(Path.of("conf/c360.yaml"));
        assertEquals(6, cfg.sources().size());
        for (C360Config.SourceConfig source : cfg.sources()) {
            SourceContract contract = SourceContract.load(source.contract());
            assertEquals(source.name(), contract.source());
            assertTrue(
                    contract.columns().stream().anyMatch(c -> c.required()),
                    source.name() + " declares a required key column");
        }
    }

    @Test
    void s3ExampleKeepsItsLocationsAndHoldsNoCredentials() {
        C360Config cfg = C360Config.load(Path.of("conf/examples/s3.yaml"));
        assertEquals("s3a://acme-c360/lake", cfg.lakeRoot());
        assertEquals("s3a://acme-c360/lake/" + C360Config.DEFAULT_REPORTS, cfg.reportsRoot());
        assertEquals(
                "s3a://acme-c360-landing/extracts/crm/contacts_*.csv",
                cfg.sourceGlob(cfg.source("crm_contacts").orElseThrow()));
        assertEquals(
                C360Config.load(Path.of("conf/c360.yaml")).sources().stream()
                        .map(C360Config.SourceConfig::contract)
                        .toList(),
                cfg.sources().stream().map(C360Config.SourceConfig::contract).toList(),
                "the shipped contracts");
        assertTrue(cfg.definitions()
                .silver()
                .orElseThrow()
                .resolve("matching.yaml")
                .toFile()
                .isFile());
        assertTrue(
                cfg.spark().settings().keySet().stream()
                        .noneMatch(k -> k.matches("(?i).*(secret|access\\.key|token|password).*")),
                "credentials come from the provider chain or spark-submit, not the file: "
                        + cfg.spark().settings().keySet());
    }

    @Test
    void contractErrorsNameTheColumn() {
        String base = "source: s\nowner: o\ncolumns:\n  - {name: a, type: %s}\n";
        String type = assertThrows(C360Exception.class, () -> SourceContract.parse("s.yaml", base.formatted("strin")))
                .getMessage();
        assertTrue(type.contains("s.yaml: columns[0].type") && type.contains("expected string, integer"), type);
        String range = assertThrows(
                        C360Exception.class, () -> SourceContract.parse("s.yaml", base.formatted("string, min: 1")))
                .getMessage();
        assertTrue(range.contains("only numeric columns take a range"), range);
        String key = assertThrows(
                        C360Exception.class,
                        () -> SourceContract.parse("s.yaml", base.formatted("string") + "key: [b]\n"))
                .getMessage();
        assertTrue(key.contains("key column 'b'"), key);
        String file = assertThrows(
                        C360Exception.class,
                        () -> SourceContract.parse("s.yaml", base.formatted("string") + "file: other.yaml\n"))
                .getMessage();
        assertTrue(file.startsWith("s.yaml: file: unknown key; expected one of: "), file);
        assertEquals(
                "s.yaml",
                SourceContract.parse("s.yaml", base.formatted("string")).file());
    }
}

package io.c360.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.c360.test.SparkExtension;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Credentials given as settings are blanked out of messages; ordinary settings are left alone. */
@ExtendWith(SparkExtension.class)
@Tag("spark")
class SecretsTest {
    private final SparkSession spark;

    SecretsTest(SparkSession spark) {
        this.spark = spark;
    }

    @Test
    void blanksCredentialSettingsOnly() {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYsecret1";
        String bucketSecret = "per-bucket-secret-0042";
        String endpoint = "http://storage.internal.example:9000";
        try {
            hadoop.set("fs.s3a.secret.key", secret);
            hadoop.set("fs.s3a.bucket.acme-c360.secret.key", bucketSecret);
            hadoop.set("fs.s3a.bucket.acme-c360.endpoint", endpoint);
            String message =
                    "cannot list s3a://acme-c360/lake at " + endpoint + " with " + secret + " or " + bucketSecret;
            String redacted = Secrets.redact(message, spark);
            assertFalse(redacted.contains(secret), redacted);
            assertFalse(redacted.contains(bucketSecret), redacted);
            assertTrue(
                    redacted.contains("s3a://acme-c360/lake at " + endpoint),
                    "the location stays readable: " + redacted);
            assertEquals(
                    "cannot list s3a://acme-c360/lake at " + endpoint + " with " + Secrets.BLANK + " or "
                            + Secrets.BLANK,
                    redacted);
            assertEquals(redacted, Secrets.redact(message), "the active session's settings by default");
        } finally {
            hadoop.unset("fs.s3a.secret.key");
            hadoop.unset("fs.s3a.bucket.acme-c360.secret.key");
            hadoop.unset("fs.s3a.bucket.acme-c360.endpoint");
        }
        assertEquals(
                "shuffle partitions 2, codec org.apache.hadoop.io.Text",
                Secrets.redact("shuffle partitions 2, codec org.apache.hadoop.io.Text", spark),
                "nothing to blank");
    }

    @Test
    void credentialSettingNames() {
        for (String name : new String[] {
            "fs.s3a.access.key",
            "fs.s3a.secret.key",
            "fs.s3a.bucket.b.secret.key",
            "spark.hadoop.fs.s3a.session.token",
            "spark.authenticate.secret",
            "javax.jdo.option.ConnectionPassword",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID",
            "AWS_SESSION_TOKEN"
        }) {
            assertTrue(Secrets.CREDENTIAL_SETTING.matcher(name).matches(), name);
        }
        for (String name : new String[] {
            "fs.s3a.endpoint",
            "fs.s3a.aws.credentials.provider",
            "mapreduce.job.output.key.class",
            "spark.io.encryption.keygen.algorithm",
            "spark.sql.shuffle.partitions"
        }) {
            assertFalse(Secrets.CREDENTIAL_SETTING.matcher(name).matches(), name);
        }
    }
}

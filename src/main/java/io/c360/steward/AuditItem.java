package io.c360.steward;

import java.util.Optional;

/**
 * One pair of records of an accuracy audit, as a reviewer sees it: its place in the audit and the two
 * records. It carries no stratum, probability or decision, so that a reviewer judges the records
 * without being anchored by what the matcher thought. {@code answer} is the newest answer given.
 */
public record AuditItem(int item, String recordKeyL, String recordKeyR, Optional<String> answer) {}

package io.c360.cli;

/** Pipeline stages a run can be asked for. */
enum Stage {
  bronze
}

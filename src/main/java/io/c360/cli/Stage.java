package io.c360.cli;

/** Pipeline stages a run can be asked for; {@code all} runs them in order. */
enum Stage {
    bronze,
    silver,
    gold,
    all
}

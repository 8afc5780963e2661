package io.c360.cli;

import picocli.CommandLine.Command;

@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generates synthetic source extracts with ground truth.")
final class GenerateCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("generator under construction");
  }
}

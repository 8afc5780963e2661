package io.c360.cli;

import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true)
final class DemoCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("under construction");
  }
}

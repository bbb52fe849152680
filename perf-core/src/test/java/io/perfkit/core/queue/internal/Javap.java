package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;

/**
 * The JDK's {@code javap} disassembly of compiled perfkit methods, for the tests that keep hot
 * paths within (or, for the sampled paths, above) C2's inlining limits.
 */
final class Javap {
  private static final Pattern INSTRUCTION = Pattern.compile("(?m)^\\s+(\\d+): (\\w+)");

  private Javap() {}

  /** {@code javap -c -p}'s text of the one method called {@code name} declared in {@code type}. */
  static String body(Class<?> type, String name) {
    ToolProvider javap =
        ToolProvider.findFirst("javap").orElseThrow(() -> new AssertionError("javap not found"));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String classPath = type.getProtectionDomain().getCodeSource().getLocation().getPath();
    int status =
        javap.run(
            new PrintWriter(out), new PrintWriter(err), "-c", "-p", "-cp", classPath,
            type.getName());
    assertEquals(0, status, err.toString());
    String text = out.toString();
    int start = text.indexOf(" " + name + "(");
    assertTrue(start >= 0, name + " not found in " + type.getName());
    assertEquals(-1, text.indexOf(" " + name + "(", start + 1), name + " is overloaded");
    int end = text.indexOf("\n\n", start);
    return text.substring(start, end < 0 ? text.length() : end);
  }

  /**
   * The code length of a method {@link #body}: its last instruction's offset plus one, which holds
   * because a method this is used on ends with a (one-byte) return instruction, checked here.
   */
  static int bytecodeSize(String body) {
    Matcher instruction = INSTRUCTION.matcher(body);
    int lastOffset = -1;
    String lastOpcode = null;
    while (instruction.find()) {
      lastOffset = Integer.parseInt(instruction.group(1));
      lastOpcode = instruction.group(2);
    }
    assertTrue(
        lastOpcode != null && lastOpcode.endsWith("return"),
        "should end with a one-byte return, not " + lastOpcode);
    return lastOffset + 1;
  }

  /** The code length of the one method called {@code name} declared in {@code type}. */
  static int bytecodeSize(Class<?> type, String name) {
    return bytecodeSize(body(type, name));
  }

  /** A class of this (internal queue) package by its simple name, e.g. {@code "SpscArrayQueue"}. */
  static Class<?> queueClass(String simpleName) {
    try {
      return Class.forName(Javap.class.getPackageName() + "." + simpleName);
    } catch (ClassNotFoundException e) {
      throw new AssertionError(simpleName, e);
    }
  }
}

package io.perfkit.core.queue;

/** The stateless idle strategies: busy-spin, no-op and yielding. */
enum SimpleIdleStrategy implements IdleStrategy {
  BUSY_SPIN("busy-spin") {
    @Override
    public void idle() {
      Thread.onSpinWait();
    }
  },
  NO_OP("no-op") {
    @Override
    public void idle() {}
  },
  YIELDING("yielding") {
    @Override
    public void idle() {
      Thread.yield();
    }
  };

  private final String alias;

  SimpleIdleStrategy(String alias) {
    this.alias = alias;
  }

  @Override
  public void reset() {}

  @Override
  public String alias() {
    return alias;
  }

  @Override
  public String toString() {
    return alias;
  }
}

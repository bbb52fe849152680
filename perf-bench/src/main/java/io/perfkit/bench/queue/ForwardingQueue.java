package io.perfkit.bench.queue;

import java.util.AbstractQueue;
import java.util.Iterator;
import org.jctools.queues.MessagePassingQueue;

/**
 * A wrapper that only forwards {@code offer}, {@code poll} and {@code size} to a {@link
 * MessagePassingQueue} (impl {@code forwarding}): the floor any wrapper pays, one more call level
 * and one more type guard per operation, with nothing counted. Against it, the instrumented
 * wrapper's own work shows apart from the cost of wrapping at all.
 */
final class ForwardingQueue<E> extends AbstractQueue<E> {
  private final MessagePassingQueue<E> delegate;

  ForwardingQueue(MessagePassingQueue<E> delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean offer(E e) {
    return delegate.offer(e);
  }

  @Override
  public E poll() {
    return delegate.poll();
  }

  @Override
  public E peek() {
    return delegate.peek();
  }

  @Override
  public int size() {
    return delegate.size();
  }

  @Override
  public Iterator<E> iterator() {
    throw new UnsupportedOperationException("iterator");
  }
}

package io.perfkit.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.jctools.queues.MessagePassingQueue;

/**
 * Model-based properties: any sequence of offer/poll/peek/drain/fill on every queue the factory
 * returns, and on the blocking adapter, behaves like an {@link ArrayDeque} bounded to the queue's
 * capacity.
 */
class QueueModelPropertyTest {

  /** One operation and its argument (a batch limit for drain/fill). */
  record Op(String name, int arg) {}

  @Provide
  Arbitrary<Op> ops() {
    return Combinators.combine(
            Arbitraries.of(
                "offer", "offer", "offer", "poll", "poll", "peek", "relaxedOffer",
                "relaxedPoll", "relaxedPeek", "drain", "fill", "size", "clear"),
            Arbitraries.integers().between(0, 9))
        .as(Op::new);
  }

  @Provide
  Arbitrary<QueueKinds.Kind> kinds() {
    return Arbitraries.of(QueueKinds.all());
  }

  @Property(tries = 300)
  void behavesLikeBoundedDeque(
      @ForAll("kinds") QueueKinds.Kind kind,
      @ForAll @IntRange(min = 1, max = 9) int requestedCapacity,
      @ForAll @Size(max = 60) List<@net.jqwik.api.From("ops") Op> ops) {
    MessagePassingQueue<Integer> queue = kind.create(requestedCapacity);
    int capacity = kind.bounded() ? queue.capacity() : Integer.MAX_VALUE;
    assertTrue(capacity >= requestedCapacity, "capacity " + capacity);
    ArrayDeque<Integer> model = new ArrayDeque<>();
    int next = 0;
    for (Op op : ops) {
      switch (op.name()) {
        case "offer", "relaxedOffer" -> {
          int item = next++;
          boolean expected = model.size() < capacity;
          boolean actual = op.name().equals("offer") ? queue.offer(item) : queue.relaxedOffer(item);
          assertEquals(expected, actual, op + " on " + model);
          if (expected) {
            model.add(item);
          }
        }
        case "poll" -> assertEquals(model.poll(), queue.poll(), op.toString());
        case "relaxedPoll" -> assertEquals(model.poll(), queue.relaxedPoll(), op.toString());
        case "peek" -> assertEquals(model.peek(), queue.peek(), op.toString());
        case "relaxedPeek" -> assertEquals(model.peek(), queue.relaxedPeek(), op.toString());
        case "drain" -> {
          List<Integer> drained = new ArrayList<>();
          int count = queue.drain(drained::add, op.arg());
          List<Integer> expected = new ArrayList<>();
          for (int i = 0; i < op.arg() && !model.isEmpty(); i++) {
            expected.add(model.poll());
          }
          assertEquals(expected, drained, op.toString());
          assertEquals(expected.size(), count, op.toString());
        }
        case "fill" -> {
          int expectedCount = Math.min(op.arg(), capacity - model.size());
          int start = next;
          int[] counter = {start};
          int count = queue.fill(() -> counter[0]++, op.arg());
          String what = kind + " cap " + capacity + " " + op + " on " + model;
          if (kind.exactFill()) {
            assertEquals(expectedCount, count, what);
          } else {
            // a linked-chunk queue may stop at a chunk end, but fills at least one if it can
            assertTrue(count <= expectedCount && (count > 0 || expectedCount == 0), what);
          }
          for (int i = 0; i < count; i++) {
            model.add(start + i);
          }
          next = counter[0];
        }
        case "clear" -> {
          queue.clear();
          model.clear();
        }
        default -> {
          assertEquals(model.size(), queue.size(), op.toString());
          assertEquals(model.isEmpty(), queue.isEmpty(), op.toString());
        }
      }
    }
    assertEquals(model.size(), queue.size());
    assertEquals(new ArrayList<>(model), drainAll(queue));
  }

  @Property(tries = 200)
  void blockingAdapterBehavesLikeBoundedDeque(
      @ForAll @IntRange(min = 1, max = 9) int requestedCapacity,
      @ForAll @Size(max = 60) List<@net.jqwik.api.From("ops") Op> ops)
      throws InterruptedException {
    BlockingQueue<Integer> queue = Queues.blocking(Queues.<Integer>mpmc(requestedCapacity));
    int capacity = queue.remainingCapacity();
    ArrayDeque<Integer> model = new ArrayDeque<>();
    int next = 0;
    for (Op op : ops) {
      switch (op.name()) {
        case "offer" -> {
          int item = next++;
          boolean expected = model.size() < capacity;
          assertEquals(expected, queue.offer(item), op.toString());
          if (expected) {
            model.add(item);
          }
        }
        case "relaxedOffer", "fill" -> {
          // put when there is room must not block; timed offer when full must time out
          int item = next++;
          if (model.size() < capacity) {
            queue.put(item);
            model.add(item);
          } else {
            assertEquals(false, queue.offer(item, 0, java.util.concurrent.TimeUnit.NANOSECONDS));
          }
        }
        case "poll" -> assertEquals(model.poll(), queue.poll(), op.toString());
        case "relaxedPoll" -> {
          if (model.isEmpty()) {
            assertEquals(null, queue.poll(1, java.util.concurrent.TimeUnit.NANOSECONDS));
          } else {
            assertEquals(model.poll(), queue.take());
          }
        }
        case "peek", "relaxedPeek" -> assertEquals(model.peek(), queue.peek(), op.toString());
        case "drain" -> {
          List<Integer> drained = new ArrayList<>();
          int count = queue.drainTo(drained, op.arg());
          List<Integer> expected = new ArrayList<>();
          for (int i = 0; i < op.arg() && !model.isEmpty(); i++) {
            expected.add(model.poll());
          }
          assertEquals(expected, drained, op.toString());
          assertEquals(expected.size(), count);
        }
        case "clear" -> {
          queue.clear();
          model.clear();
        }
        default -> {
          assertEquals(model.size(), queue.size(), op.toString());
          assertEquals(capacity - model.size(), queue.remainingCapacity(), op.toString());
        }
      }
    }
    assertEquals(new ArrayList<>(model), new ArrayList<>(queue));
  }

  static List<Integer> drainAll(MessagePassingQueue<Integer> queue) {
    List<Integer> all = new ArrayList<>();
    Integer item;
    while ((item = queue.poll()) != null) {
      all.add(item);
    }
    return all;
  }
}

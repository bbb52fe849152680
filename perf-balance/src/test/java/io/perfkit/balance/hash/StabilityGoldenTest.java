package io.perfkit.balance.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.perfkit.balance.Endpoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins perfkit's key hash and the placements of ring, Maglev and rendezvous for a fixed membership.
 * Clients of different versions sharing one cache must agree on key owners, so any change here is a
 * breaking change: update these values only deliberately, with a release note.
 */
final class StabilityGoldenTest {
  private static final String[][] GOLDEN = {
    // key, hash, ring, maglev (1009), rendezvous
    {"alpha", "d2671f00c9bf080f", "node-4", "node-4", "node-1"},
    {"beta", "73187651cac4bbbb", "node-4", "node-2", "node-4"},
    {"gamma", "1e9208814e9e5492", "node-3", "node-4", "node-3"},
    {"delta", "30a78142e67faecf", "node-1", "node-3", "node-3"},
    {"user-42", "fc19fc0cd9df4df1", "node-2", "node-3", "node-4"},
    {"order:9", "43e2ad80b787bfeb", "node-4", "node-1", "node-4"},
  };

  @Test
  void keyHashAndPlacements_areStableAcrossReleases() {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      list.add(Endpoint.of("node-" + i, 1 + i));
    }
    ConsistentHash ring = ConsistentHashing.newBuilder().endpoints(list).ring();
    ConsistentHash maglev = ConsistentHashing.newBuilder().endpoints(list).tableSize(1009).maglev();
    ConsistentHash hrw = ConsistentHashing.newBuilder().endpoints(list).rendezvous();
    for (String[] g : GOLDEN) {
      assertEquals(g[1], Long.toHexString(ConsistentHash.hash(g[0])), g[0]);
      assertEquals(g[2], ring.pick(g[0]).id(), "ring " + g[0]);
      assertEquals(g[3], maglev.pick(g[0]).id(), "maglev " + g[0]);
      assertEquals(g[4], hrw.pick(g[0]).id(), "rendezvous " + g[0]);
    }
  }
}

package io.qgate.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of prefix holders answers every lookup exactly as the walk it replaced
 * ({@link ReferencePrefixHolders}): over the Caffeine cache itself while nothing is evicted, and
 * over a plain model of the table's eviction when a small table forgets.
 */
class PrefixHoldersTest {

    /** Characters per hashed block: short, so that a few words make a deep prompt. */
    private static final int BLOCK_CHARS = 4;
    private static final int MAX_BLOCKS = 32;

    static IntStream seeds() {
        return IntStream.rangeClosed(1, 40);
    }

    @ParameterizedTest(name = "history {0}")
    @MethodSource("seeds")
    void answersAsTheCaffeineCacheDidWhenNothingIsEvicted(int seed) {
        PrefixHolders table = new PrefixHolders(1_000_000);
        ReferencePrefixHolders reference = new ReferencePrefixHolders(ReferencePrefixHolders.caffeine(1_000_000));

        int lookups = replay(seed, table, reference);

        assertThat(lookups).isGreaterThan(100);
    }

    @ParameterizedTest(name = "history {0}")
    @MethodSource("seeds")
    void answersAsTheSameWalkOverAModelOfTheTablesEvictionWhenBlocksAreEvicted(int seed) {
        int[] sizes = {1, 8, 20, 64, 160};
        PrefixHolders table = new PrefixHolders(sizes[seed % sizes.length]);
        ReferencePrefixHolders reference = new ReferencePrefixHolders(ReferencePrefixHolders.seenOnceFirstPerSet(
                table.sets, PrefixHolders.WAYS, table::setOf));

        int lookups = replay(seed, table, reference);

        assertThat(lookups).isGreaterThan(100);
    }

    @Test
    void aFullSetForgetsItsLeastRecentlyUsedBlocksSeenOnce() {
        // One set of 8: a prompt of 8 blocks fills it; 2 blocks of another push out the 2 written first.
        PrefixHolders table = new PrefixHolders(PrefixHolders.WAYS);
        long[] first = PrefixHasher.hash("aaaabbbbccccddddeeeeffffgggghhhh", BLOCK_CHARS, MAX_BLOCKS);
        long[] second = PrefixHasher.hash("zzzzyyyy", BLOCK_CHARS, MAX_BLOCKS);
        table.record(first, "a:1");

        table.record(second, "b:1");

        assertThat(table.lookup(Arrays.copyOf(first, 2), new PrefixHolders.Match()).size()).isZero();
        assertThat(table.lookup(first, new PrefixHolders.Match()).blocks("a:1")).isEqualTo(8);
        assertThat(table.lookup(second, new PrefixHolders.Match()).blocks("b:1")).isEqualTo(2);
    }

    @Test
    void blocksLookedUpAgainOutliveBlocksSeenOnce() {
        // A tenant's context asked about again, then one-off prompts: they push each other out, not it.
        PrefixHolders table = new PrefixHolders(PrefixHolders.WAYS);
        long[] tenant = PrefixHasher.hash("aaaabbbbccccdddd", BLOCK_CHARS, MAX_BLOCKS);
        table.record(tenant, "a:1");
        table.lookup(tenant, new PrefixHolders.Match());

        table.record(PrefixHasher.hash("zzzzyyyyxxxxwwww", BLOCK_CHARS, MAX_BLOCKS), "b:1");
        long[] oneOff = PrefixHasher.hash("qqqqrrrr", BLOCK_CHARS, MAX_BLOCKS);
        table.record(oneOff, "c:1");

        assertThat(table.lookup(tenant, new PrefixHolders.Match()).blocks("a:1")).isEqualTo(4);
        assertThat(table.lookup(oneOff, new PrefixHolders.Match()).blocks("c:1")).isEqualTo(2);
    }

    @Test
    void aTableOfNoBlocksRemembersNothing() {
        PrefixHolders table = new PrefixHolders(0);
        long[] prompt = PrefixHasher.hash("aaaabbbb", BLOCK_CHARS, MAX_BLOCKS);

        table.record(prompt, "a:1");

        assertThat(table.lookup(prompt, new PrefixHolders.Match()).size()).isZero();
    }

    @Test
    void threadsRecordingAndLookingUpTogetherSeeWholeHolderLists() throws Exception {
        // Event loops share one table: a small one, so that entries are evicted and reused meanwhile.
        PrefixHolders table = new PrefixHolders(64);
        List<long[]> prompts = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            prompts.add(PrefixHasher.hash("sys" + i % 3 + "-".repeat(40) + i, BLOCK_CHARS, MAX_BLOCKS));
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(threads.submit(() -> {
                    SplittableRandom random = new SplittableRandom(thread);
                    PrefixHolders.Match match = new PrefixHolders.Match();
                    int checked = 0;
                    for (int i = 0; i < 20_000; i++) {
                        long[] prompt = prompts.get(random.nextInt(prompts.size()));
                        if (random.nextBoolean()) {
                            table.record(prompt, "10.0.0." + random.nextInt(9) + ":8000");
                            continue;
                        }
                        table.lookup(prompt, match);
                        ReferencePrefixHolders.Found found = ReferencePrefixHolders.Found.of(match);
                        assertThat(found.authorities()).doesNotHaveDuplicates().hasSizeLessThanOrEqualTo(8);
                        assertThat(found.blocks()).allMatch(blocks -> blocks >= 1 && blocks <= prompt.length);
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> checked : done) {
                assertThat(checked.get(60, TimeUnit.SECONDS)).isPositive();
            }
        } finally {
            threads.shutdownNow();
        }
        table.record(prompts.get(0), "10.0.0.42:8000");
        PrefixHolders.Match last = table.lookup(prompts.get(0), new PrefixHolders.Match());
        assertThat(last.authority(0)).isEqualTo("10.0.0.42:8000");
        assertThat(last.blocksAt(0)).isEqualTo(prompts.get(0).length);
    }

    /**
     * Replays one random history on both and compares every lookup: a few system prompts, tenants'
     * contexts on them of varying depth, questions after those, sent to a dozen replicas, several
     * to the same prefix; lookups of prompts sent, their leading part, or a leading part with
     * blocks never seen after it. Returns the number of lookups compared.
     */
    private static int replay(int seed, PrefixHolders table, ReferencePrefixHolders reference) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> systems = words(random, 1 + random.nextInt(3), 1, 8);
        List<String> contexts = new ArrayList<>();
        for (int i = 0; i < 6 + random.nextInt(10); i++) {
            contexts.add(systems.get(random.nextInt(systems.size())) + words(random, 1, 0, 12).get(0));
        }
        List<long[]> sent = new ArrayList<>();
        int replicas = 3 + random.nextInt(10);
        int lookups = 0;
        PrefixHolders.Match match = new PrefixHolders.Match();
        for (int step = 0; step < 400; step++) {
            if (sent.isEmpty() || random.nextInt(5) < 2) {
                String prompt = contexts.get(random.nextInt(contexts.size())) + words(random, 1, 0, 24).get(0);
                long[] hashes = PrefixHasher.hash(prompt, BLOCK_CHARS, MAX_BLOCKS);
                // A new String each time: holders are compared by value, as authorities from discovery are.
                String replica = new String("10.0.0." + random.nextInt(replicas) + ":8000");
                table.record(hashes, replica);
                reference.record(hashes, replica);
                sent.add(hashes);
                continue;
            }
            long[] known = sent.get(random.nextInt(sent.size()));
            long[] asked = switch (random.nextInt(3)) {
                case 0 -> known;
                case 1 -> Arrays.copyOf(known, random.nextInt(known.length + 1));
                default -> withUnknownTail(random, known);
            };
            ReferencePrefixHolders.Found expected = reference.lookup(asked);
            // One match reused for every lookup, as a thread's decision reuses its own.
            assertThat(ReferencePrefixHolders.Found.of(table.lookup(asked, match)))
                    .as("lookup at step %d", step).isEqualTo(expected);
            lookups++;
        }
        return lookups;
    }

    /** A leading part of {@code known} and then blocks never sent. */
    private static long[] withUnknownTail(SplittableRandom random, long[] known) {
        int kept = random.nextInt(known.length + 1);
        long[] asked = Arrays.copyOf(known, Math.min(MAX_BLOCKS, kept + 1 + random.nextInt(8)));
        for (int i = kept; i < asked.length; i++) {
            asked[i] = random.nextLong();
        }
        return asked;
    }

    /** {@code count} strings of whole blocks, each {@code min} to {@code max} blocks long. */
    private static List<String> words(SplittableRandom random, int count, int min, int max) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder text = new StringBuilder();
            int chars = (min + random.nextInt(max - min + 1)) * BLOCK_CHARS;
            for (int c = 0; c < chars; c++) {
                text.append((char) ('a' + random.nextInt(3)));
            }
            words.add(text.toString());
        }
        return words;
    }
}

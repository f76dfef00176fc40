package io.qgate.routing;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.LongToIntFunction;

/**
 * {@link PrefixHolders}' lookup and record as they were written over a Caffeine cache until
 * 2026-12-06, kept as the reference the table is tested against: the same walk, over a store that
 * is either that Caffeine cache or a plain model of the table's eviction (within each set, the
 * least recently used of the entries seen once, else of all).
 */
final class ReferencePrefixHolders {

    /** Where the holders of each block are kept; a read counts as a use. */
    interface Store {
        String[] get(long hash);

        void put(long hash, String[] owners);
    }

    private final Store holders;

    ReferencePrefixHolders(Store holders) {
        this.holders = holders;
    }

    /** The store as it was: Caffeine, bounded by size. */
    static Store caffeine(int maximumSize) {
        Cache<Long, String[]> cache = Caffeine.newBuilder().maximumSize(maximumSize).executor(Runnable::run).build();
        return new Store() {
            @Override
            public String[] get(long hash) {
                return cache.getIfPresent(hash);
            }

            @Override
            public void put(long hash, String[] owners) {
                cache.put(hash, owners);
            }
        };
    }

    /**
     * Sets of {@code ways} entries, chosen by {@code setOf}; a full set forgets its least recently
     * used entry among those not used again since they came in, else its least recently used.
     */
    static Store seenOnceFirstPerSet(int sets, int ways, LongToIntFunction setOf) {
        List<LinkedHashMap<Long, String[]>> all = new ArrayList<>();
        for (int i = 0; i < sets; i++) {
            all.add(new LinkedHashMap<>(16, 0.75f, true));
        }
        Set<Long> seenAgain = new HashSet<>();
        return new Store() {
            @Override
            public String[] get(long hash) {
                String[] owners = all.get(setOf.applyAsInt(hash)).get(hash);
                if (owners != null) {
                    seenAgain.add(hash);
                }
                return owners;
            }

            @Override
            public void put(long hash, String[] owners) {
                LinkedHashMap<Long, String[]> set = all.get(setOf.applyAsInt(hash));
                if (set.containsKey(hash)) {
                    seenAgain.add(hash);
                } else if (set.size() == ways) {
                    // Iteration runs from the least recently used.
                    Long forgotten = set.keySet().stream().filter(key -> !seenAgain.contains(key)).findFirst()
                            .orElse(set.keySet().iterator().next());
                    set.remove(forgotten);
                    seenAgain.remove(forgotten);
                }
                set.put(hash, owners);
            }
        };
    }

    /** The holders found, deepest first, and the leading blocks each holds. */
    record Found(List<String> authorities, List<Integer> blocks) {

        static Found of(PrefixHolders.Match match) {
            List<String> authorities = new ArrayList<>();
            List<Integer> blocks = new ArrayList<>();
            for (int i = 0; i < match.size(); i++) {
                authorities.add(match.authority(i));
                blocks.add(match.blocksAt(i));
            }
            return new Found(authorities, blocks);
        }
    }

    Found lookup(long[] hashes) {
        String[] authorities = new String[PrefixHolders.HOLDERS * 2];
        int[] blocks = new int[PrefixHolders.HOLDERS * 2];
        int size = 0;
        for (int i = hashes.length - 1; i >= 0 && size < authorities.length; i--) {
            String[] owners = holders.get(hashes[i]);
            if (owners == null) {
                continue;
            }
            for (String owner : owners) {
                if (size < authorities.length && indexOf(authorities, size, owner) < 0) {
                    authorities[size] = owner;
                    blocks[size] = i + 1;
                    size++;
                }
            }
        }
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            found.add(blocks[i]);
        }
        return new Found(List.copyOf(Arrays.asList(authorities).subList(0, size)), found);
    }

    void record(long[] hashes, String authority) {
        if (hashes.length == 0) {
            return;
        }
        String[] last = holders.get(hashes[hashes.length - 1]);
        if (last != null && last[0].equals(authority)) {
            return;
        }
        for (long hash : hashes) {
            holders.put(hash, withFirst(holders.get(hash), authority));
        }
    }

    private static String[] withFirst(String[] owners, String authority) {
        if (owners == null) {
            return new String[] {authority};
        }
        int at = indexOf(owners, owners.length, authority);
        int kept = at >= 0 ? owners.length : Math.min(owners.length + 1, PrefixHolders.HOLDERS);
        String[] updated = new String[kept];
        updated[0] = authority;
        for (int i = 0, j = 1; j < kept; i++) {
            if (i != at) {
                updated[j++] = owners[i];
            }
        }
        return updated;
    }

    private static int indexOf(String[] values, int size, String value) {
        for (int i = 0; i < size; i++) {
            if (values[i].equals(value)) {
                return i;
            }
        }
        return -1;
    }
}

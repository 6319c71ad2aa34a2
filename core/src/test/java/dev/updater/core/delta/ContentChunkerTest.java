package dev.updater.core.delta;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ContentChunkerTest {
    private static List<String> chunks(byte[] data) {
        List<String> chunks = new ArrayList<>();
        for (int from = 0; from < data.length; ) {
            int to = ContentChunker.INDEX.next(data, from, data.length);
            assertTrue(to > from && to - from <= 64 << 10, "chunk " + from + ".." + to + " is within the maximum");
            assertTrue(to - from >= 4 << 10 || to == data.length, "only the last chunk may be under the minimum");
            chunks.add(java.util.HexFormat.of().formatHex(java.util.Arrays.copyOfRange(data, from, to)).hashCode()
                    + ":" + (to - from));
            from = to;
        }
        return chunks;
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }

    @Test
    void randomBytes_areCutNearTheAverageOf16KiB() {
        byte[] data = random(4 << 20, 1);
        int count = chunks(data).size();
        assertTrue(count > (4 << 20) / (32 << 10) && count < (4 << 20) / (8 << 10), count + " chunks for 4 MiB");
    }

    @Test
    void bytesInsertedInTheMiddle_changeOnlyTheChunksAroundThem() {
        byte[] before = random(2 << 20, 2);
        byte[] after = new byte[before.length + 3];
        System.arraycopy(before, 0, after, 0, 1 << 20);
        after[1 << 20] = 1;
        after[(1 << 20) + 1] = 2;
        after[(1 << 20) + 2] = 3;
        System.arraycopy(before, 1 << 20, after, (1 << 20) + 3, before.length - (1 << 20));
        Set<String> old = new HashSet<>(chunks(before));
        long changed = chunks(after).stream().filter(chunk -> !old.contains(chunk)).count();
        assertTrue(changed >= 1 && changed <= 2, changed + " chunks changed");
    }

    @Test
    void bytesWithoutCutPoints_areCutAtTheMaximum() {
        List<String> chunks = chunks(new byte[200 << 10]);
        assertEquals(List.of(65536, 65536, 65536, 8192), chunks.stream()
                .map(chunk -> Integer.parseInt(chunk.substring(chunk.indexOf(':') + 1))).toList());
    }
}

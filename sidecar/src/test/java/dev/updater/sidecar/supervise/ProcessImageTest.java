package dev.updater.sidecar.supervise;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProcessImageTest {
    @Test
    void cmdlineWords_areSplitAtEachNul_keepingEmptyWordsAndBytesThatAreNoUtf8() {
        byte[] cmdline = {'j', 'a', 'v', 'a', 0, 0, 'a', ' ', 'b', 0, (byte) 0xff, 'x', 0};

        List<byte[]> words = ProcessImage.split(cmdline);

        assertEquals(4, words.size());
        assertArrayEquals("java".getBytes(StandardCharsets.US_ASCII), words.get(0));
        assertArrayEquals(new byte[0], words.get(1), "an empty argument stays an argument");
        assertArrayEquals("a b".getBytes(StandardCharsets.US_ASCII), words.get(2));
        assertArrayEquals(new byte[] {(byte) 0xff, 'x'}, words.get(3), "raw bytes, not decoded and encoded again");
    }

    @Test
    void thePlan_isThisJvmsOwnJavaAndArguments() throws Exception {
        assumeTrue(System.getProperty("os.name").equals("Linux"), "/proc is Linux's");
        ProcessHandle.Info info = ProcessHandle.current().info();

        ProcessImage.Plan plan = ProcessImage.current();

        assertEquals(Path.of(info.command().orElseThrow()), plan.java());
        List<String> argv = plan.argv().stream().map(w -> new String(w, StandardCharsets.UTF_8)).toList();
        assertEquals(List.of(info.arguments().orElseThrow()), argv.subList(1, argv.size()));
    }
}

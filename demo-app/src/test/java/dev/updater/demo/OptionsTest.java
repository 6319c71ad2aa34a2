package dev.updater.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OptionsTest {

    @Test
    void parse_nothing_givesTheDefaults() throws Exception {
        Options options = Options.parse(List.of());

        assertEquals(new Options(InetAddress.getByName("127.0.0.1"), 8080, Path.of("demo-data.properties")), options);
    }

    @Test
    void parse_everyOptionWithASeparateValue() throws Exception {
        Options options = Options.parse(List.of("--port", "9090", "--bind", "0.0.0.0", "--data", "/tmp/d.properties"));

        assertEquals(new Options(InetAddress.getByName("0.0.0.0"), 9090, Path.of("/tmp/d.properties")), options);
    }

    @Test
    void parse_everyOptionWithEquals() throws Exception {
        Options options = Options.parse(List.of("--port=0", "--bind=::1", "--data=x=y.properties"));

        assertEquals(new Options(InetAddress.getByName("::1"), 0, Path.of("x=y.properties")), options);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--port abc   | --port needs a number from 0 to 65535, not 'abc'",
        "--port 65536 | --port needs a number from 0 to 65535, not '65536'",
        "--port -1    | --port needs a number from 0 to 65535, not '-1'",
        "--port       | --port needs a value",
        "--bind [nowhere      | --bind needs an IP address, such as 127.0.0.1 or 0.0.0.0, not '[nowhere'",
        "--bind=      | --bind needs an IP address, such as 127.0.0.1 or 0.0.0.0, not ''",
        "--data=      | --data needs a file path, such as ./demo-data.properties, not ''",
        "--colour red | unknown option '--colour'",
        "serve        | unexpected argument 'serve'",
        "--port 1 --port 2 | --port is given twice",
    })
    void parse_wrongArguments_sayWhatIsWrong(String args, String message) {
        UsageError error = assertThrows(UsageError.class, () -> Options.parse(List.of(args.split(" "))));

        assertEquals(message, error.getMessage());
    }

    @Test
    void help_describesEveryOptionWithItsDefaultAndAnExample() {
        for (String option : List.of("--port PORT", "--bind ADDR", "--data FILE")) {
            assertTrue(Options.HELP.contains(option), option);
        }
        assertTrue(Options.HELP.startsWith(Options.SYNOPSIS + "\n"), Options.HELP);
        assertTrue(Options.HELP.contains("Default: 8080. Example: --port 9090"), Options.HELP);
        assertTrue(Options.HELP.contains("Default: 127.0.0.1. Example: --bind 0.0.0.0"), Options.HELP);
        assertTrue(Options.HELP.contains("Default: ./demo-data.properties."), Options.HELP);
        assertTrue(Options.HELP.contains("Example: --data /var/lib/demo/data.properties"), Options.HELP);
    }
}

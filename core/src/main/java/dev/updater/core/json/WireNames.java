package dev.updater.core.json;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Reads an enum constant back from the name it is written under in a home record ({@code rolled-back}
 * for {@code ROLLED_BACK}). One place for the lookup and its error, which names every accepted value,
 * so each record's enum only lists its constants and their names.
 */
public final class WireNames {
    private WireNames() {
    }

    /**
     * The constant of {@code values} whose wire name is {@code text}.
     *
     * @param what what the value is, for the error ({@code "swap state"})
     * @throws IllegalArgumentException naming the text and every accepted name (Jackson reports it with the field)
     */
    public static <E extends Enum<E>> E parse(E[] values, Function<E, String> wireName, String text, String what) {
        for (E value : values) {
            if (wireName.apply(value).equals(text)) {
                return value;
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not a " + what + "; expected one of "
                + Arrays.stream(values).map(wireName).toList());
    }
}

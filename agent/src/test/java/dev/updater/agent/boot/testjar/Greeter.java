package dev.updater.agent.boot.testjar;

import java.util.function.Supplier;

/** A class the loader tests pack into a jar as {@code inst/.../Greeter.classdata}. */
public final class Greeter implements Supplier<String> {
    @Override
    public String get() {
        return "hello from " + getClass().getClassLoader().getName();
    }
}

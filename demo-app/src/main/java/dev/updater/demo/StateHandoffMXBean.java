package dev.updater.demo;

/**
 * The state hand-off as updater expects it (docs/state-handoff.md): registered as
 * {@code dev.updater:type=StateHandoff}, any interface of the app's own whose name ends in
 * {@code MXBean}. The demo imports nothing of updater's.
 */
public interface StateHandoffMXBean {
    /** The state to hand to the next version, called by updater's agent just before this one stops. */
    String save();

    /** What the previous version saved, called once by updater's agent soon after this one starts. */
    void restore(String state);
}

package dev.updater.agent;

import org.junit.jupiter.api.Test;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertSame;

class InstrumentationHolderTest {

    @Test
    void theRuntime_keepsTheInstrumentationItIsGiven_evenWhenTheAgentIsOff() {
        Instrumentation given = (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Instrumentation.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return "the test's Instrumentation";
                    }
                    throw new UnsupportedOperationException(method.getName());
                });

        AgentRuntime.run("enabled=false", given, false, () -> { });

        assertSame(given, InstrumentationHolder.get().orElseThrow());
    }
}

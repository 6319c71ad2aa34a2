import java.lang.instrument.Instrumentation;

/** The floor for any -javaagent: a premain that does nothing. Packed as empty-agent.jar by run.sh. */
public final class EmptyAgent {
    public static void premain(String args, Instrumentation instrumentation) {
    }
}

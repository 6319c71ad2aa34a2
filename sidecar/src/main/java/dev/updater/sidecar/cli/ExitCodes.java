package dev.updater.sidecar.cli;

import dev.updater.sidecar.ExitCode;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The exit codes a command returns, beside its {@code @Command}; {@link ExitCodeSection} turns them
 * into the "Exit codes" section of its {@code --help}. For example:
 *
 * <pre>{@code
 * @ExitCodes({@Code(value = OK, means = "the key pair was written"), @Code(FAILED), @Code(USAGE)})
 * }</pre>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface ExitCodes {
    /** The codes in the order the help lists them. */
    Code[] value();

    /** What the host's own exit status means when the command exits with it ({@code run}); empty: never. */
    String hostStatus() default "";

    /** One code, and what it means for this command; empty: {@link ExitCode#meaning()}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({})
    @interface Code {
        ExitCode value();

        String means() default "";
    }
}
